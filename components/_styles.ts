/** Styles shared by the workbench elements: readable at laptop widths, visible focus. */
import { css } from "lit";

export const baseStyles = css`
  :host {
    font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
    color: #1d2433;
  }
  button,
  select,
  input,
  textarea {
    font: inherit;
  }
  button {
    border: 1px solid #8892a6;
    background: #f4f6fa;
    border-radius: 4px;
    padding: 0.25em 0.8em;
    cursor: pointer;
  }
  button.primary {
    background: #1f5fbf;
    border-color: #1f5fbf;
    color: white;
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  :focus-visible {
    outline: 3px solid #f0a500;
    outline-offset: 1px;
  }
  table {
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
  }
  caption {
    text-align: left;
    font-weight: 600;
    padding: 0.3em 0;
  }
  th,
  td {
    padding: 0.2em 0.6em;
    border-bottom: 1px solid #e2e6ee;
    text-align: left;
    white-space: nowrap;
  }
  td.num,
  th.num {
    text-align: right;
  }
  /* Column names wrap (words, not letters), so a wide table still fits a 1280 px screen. */
  thead th {
    white-space: normal;
    min-width: 4.5em;
    vertical-align: bottom;
  }
  .scroll {
    overflow: auto;
    max-width: 100%;
  }
  .error {
    color: #a11;
    background: #fff0f0;
    border-left: 3px solid #a11;
    padding: 0.4em 0.8em;
    white-space: pre-wrap;
  }
  .muted {
    color: #5a6478;
  }
`;
