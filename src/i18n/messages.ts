/**
 * The workbench's own words in English and Russian (the notebooks' prose is translated in
 * `notebooks/ru/`). One table, so a missing translation is a test failure, not a blank.
 */

/** Languages of the interface. */
export const LANGUAGES = ["en", "ru"] as const;
export type Language = typeof LANGUAGES[number];

const EN = {
  saveWorkspace: "Save workspace",
  openWorkspace: "Open workspace…",
  openConfig: "Open config…",
  resetSample: "Reset to sample",
  language: "Language",
  cancel: "Cancel",
  undo: "Undo",
  done: "Done",
  pages: "pages",
  starting: "Starting…",
  startingDuckdb: "Starting DuckDB…",
  confirmOpen:
    "Open {file}? It replaces the loaded files, settings and configs ({n} config versions); Undo brings them back during this visit.",
  confirmReset:
    "Start again from the sample data? The loaded files, settings and every config version go; Undo brings them back during this visit.",
  noConfig: "No config yet: the Calibrate page fits one from the data, or open a config file.",
  currentConfig: "Current config",
  version: "version",
  editedTag: "edited",
  staleTag: "fitted on other data: fit again on Calibrate",
  freshTag: "fitted on the loaded data",
  kindCalibrated: "calibrated",
  kindEdited: "edited by hand",
  kindImported: "opened from a file",
  kindBaseline: "baseline",
  pointsOne: "points of {n} rule",
  pointsMany: "points of {n} rules",
  thresholds: "thresholds",
  window: "window",
} as const;

/** A message key. */
export type MessageKey = keyof typeof EN;

const RU: Record<MessageKey, string> = {
  saveWorkspace: "Сохранить работу",
  openWorkspace: "Открыть работу…",
  openConfig: "Открыть конфигурацию…",
  resetSample: "Вернуть пример",
  language: "Язык",
  cancel: "Отмена",
  undo: "Отменить",
  done: "Готово",
  pages: "страницы",
  starting: "Запуск…",
  startingDuckdb: "Запуск DuckDB…",
  confirmOpen:
    "Открыть {file}? Загруженные файлы, настройки и конфигурации ({n} версий) будут заменены; «Отменить» вернёт их до конца сеанса.",
  confirmReset:
    "Начать заново с примера данных? Загруженные файлы, настройки и все версии конфигурации будут удалены; «Отменить» вернёт их до конца сеанса.",
  noConfig:
    "Конфигурации пока нет: страница «Калибровка» подберёт её по данным, или откройте файл конфигурации.",
  currentConfig: "Текущая конфигурация",
  version: "версия",
  editedTag: "изменена",
  staleTag: "подобрана на других данных: откалибруйте заново",
  freshTag: "подобрана на загруженных данных",
  kindCalibrated: "откалибрована",
  kindEdited: "изменена вручную",
  kindImported: "открыта из файла",
  kindBaseline: "базовая",
  pointsOne: "баллы {n} правила",
  pointsMany: "баллы {n} правил",
  thresholds: "пороги",
  window: "окно",
};

const TABLES: Record<Language, Record<MessageKey, string>> = { en: EN, ru: RU };

/** Every message of every language, for checks. */
export function messageTables(): Record<Language, Record<MessageKey, string>> {
  return TABLES;
}

/**
 * The message `key` in `lang`, with `{name}` placeholders filled from `values`. An unknown
 * language falls back to English.
 */
export function message(
  lang: string,
  key: MessageKey,
  values: Record<string, string | number> = {},
): string {
  const table = TABLES[(LANGUAGES as readonly string[]).includes(lang) ? lang as Language : "en"];
  return table[key].replace(
    /\{(\w+)\}/g,
    (all, name) => (name in values ? String(values[name]) : all),
  );
}

/**
 * `one` or `many` by the count `n` as `lang` words it after a number: English takes the
 * singular for 1 only; Russian (here in the genitive, "баллы 21 правила", "баллы 5 правил")
 * for numbers ending in 1 except 11.
 */
export function pluralKey<K extends MessageKey>(lang: string, n: number, one: K, many: K): K {
  if (lang === "ru") return n % 10 === 1 && n % 100 !== 11 ? one : many;
  return n === 1 ? one : many;
}
