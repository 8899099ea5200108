/**
 * The spreadsheet worker: parses one workbook the data worker sends (`ParseRequest`) with
 * SheetJS and answers once (`ParseReply`). The data worker starts one per workbook and
 * terminates it past the time budget (`parseInBrowserWorker`), so a damaged or hostile file
 * that sets SheetJS looping cannot hold the page's loader.
 */
import { answerParseRequest } from "../src/data/read_spreadsheet.ts";
import type { ParseRequest } from "../src/data/_spreadsheet_budget.ts";

const scope = self as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = async (e) => {
  scope.postMessage(await answerParseRequest(e.data as ParseRequest));
};
