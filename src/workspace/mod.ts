/** The workbench's workspace as plain data: its file format, loaded tables and errors. */
export {
  decodeWorkspace,
  decodeWorkspaceBlob,
  type DecodeWorkspaceBlobOptions,
  encodeWorkspace,
  type FileReadOptions,
  fromBase64,
  toBase64,
  WORKSPACE_FORMAT,
  workspaceChunks,
  type WorkspaceInput,
  type WorkspaceSnapshot,
} from "./workspace_file.ts";
export { TABLE_KINDS } from "../tables/mod.ts";
export {
  guessKind,
  type LoadedTable,
  type LoadOptions,
  type TableStore,
  type WorkspaceData,
} from "./types.ts";
export { WorkerError } from "./worker_error.ts";
export {
  type ResultStamp,
  specKey,
  type StaleReason,
  stampResult,
  stampStatus,
} from "./result_stamp.ts";
