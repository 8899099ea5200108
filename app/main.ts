/** Browser entry of the workbench: defines the elements; `<sb-app-shell>` in index.html does the rest. */
import "../components/mod.ts";
import "./app_shell.ts";
