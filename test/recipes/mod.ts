/**
 * Recipes turning the public datasets of `../shared/data/real/` into canonical tables
 * (see `README.md` here for each one's choices). The data is read in place, never copied.
 *
 * @module
 */
export { bankMarketing, type BankMarketingOptions } from "./bank_marketing.ts";
export { onlineShoppers } from "./online_shoppers.ts";
export { hillstrom, type HillstromOptions } from "./hillstrom.ts";
export { cdnow } from "./cdnow.ts";
export { exists, REAL_DATA_DIR } from "./_read.ts";
