/** The workbench's custom elements; importing this module defines them all. */
export { ColumnMapper } from "./column_mapper.ts";
export { cellDisplay, DataTable } from "./data_table.ts";
export { FileLoader } from "./file_loader.ts";
export { LoadSummaryView } from "./load_summary.ts";
export { NotebookView, summarizeValue } from "./notebook_view.ts";
export { PlotFigure } from "./plot_figure.ts";
export { SqlCell } from "./sql_cell.ts";
export { PointsEditor } from "./points_editor.ts";
export { SettingsForm } from "./settings_form.ts";
export { TierTuner } from "./tier_tuner.ts";
export { type ConfigBlocks, ConfigBlocksForm } from "./config_blocks.ts";
export { ConfigBar } from "./config_bar.ts";
export { ResultStampLine } from "./result_stamp.ts";
export { RuleScopesForm } from "./rule_scopes.ts";
