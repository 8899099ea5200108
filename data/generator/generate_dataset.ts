/** The synthetic base in memory, as canonical rows with the models that produced it. */
import type { ContactRow, EventRow, PurchaseRow, VerificationRow } from "../../src/tables/mod.ts";
import { type GenerateOptions, resolveOptions } from "./resolve_options.ts";
import { emptyGroundTruth, type GroundTruth, tallyContact } from "./ground_truth.ts";
import { bundles } from "./_bundles.ts";

/** A generated base: the four tables as a loader returns them, and its ground truth. */
export interface Dataset {
  contacts: ContactRow[];
  events: EventRow[];
  purchases: PurchaseRow[];
  verification: VerificationRow[];
  groundTruth: GroundTruth;
}

/**
 * Generates the base in memory as canonical rows (phones as digits, e-mails lower-case, as a
 * loader returns them) with the models that produced it. For large sizes use `writeDataset`.
 *
 * @example
 * ```ts
 * const { contacts, events, groundTruth } = generateDataset({ contacts: 2000, seed: 7 });
 * ```
 */
export function generateDataset(options: GenerateOptions = {}): Dataset {
  const r = resolveOptions(options);
  const truth = emptyGroundTruth(r);
  const out: Dataset = {
    contacts: [],
    events: [],
    purchases: [],
    verification: [],
    groundTruth: truth,
  };
  for (const b of bundles(r)) {
    tallyContact(truth, b);
    out.contacts.push(b.contact);
    for (const e of b.events) out.events.push(e);
    for (const p of b.purchases) out.purchases.push(p);
    for (const v of b.verification) {
      out.verification.push({
        contact_id: v.contact_id ?? null,
        phone: v.phone ? v.phone.replace(/\D/g, "").replace(/^8/, "7") : null,
        email: v.email ? v.email.trim().toLowerCase() : null,
      });
    }
  }
  return out;
}
