/**
 * Words inside the pages' cells: table captions, column names, form labels and buttons, and
 * short cell values. A page writes them in English and the elements show them in the
 * interface language through `label`; an English word without a translation shows as is.
 */
import { LANGUAGES } from "./messages.ts";

const RU: Record<string, string> = {
  // Tables: captions and columns.
  "Held-out metrics": "Метрики на отложенных периодах",
  "Points against the plain regression": "Баллы против простой регрессии",
  "Periods": "Периоды",
  "Contacts": "Контакты",
  "Scores per scope": "Баллы по областям",
  "All candidate factors": "Все кандидаты в факторы",
  "Per-tag models on the held-out periods": "Модели по тегам на отложенных периодах",
  "Recalibration per period": "Перекалибровка по периодам",
  "Window grid": "Сетка окон",
  "Rule scopes": "Области правил",
  "Columns that may be codes": "Столбцы, похожие на коды",
  "Snapshot calibration on the hold-out": "Калибровка по срезу на отложенных строках",
  "fit": "модель",
  "config": "конфигурация",
  "metric": "метрика",
  "contacts": "контакты",
  "converters": "покупатели",
  "conversion": "конверсия",
  "coverage": "охват",
  "buyers in top 20 %": "покупатели в лучших 20 %",
  "as of": "на дату",
  "period from": "период с",
  "period to": "период по",
  "PSI to the previous period": "PSI к прошлому периоду",
  "high": "высокий",
  "medium": "средний",
  "low": "низкий",
  "unscored": "без оценки",
  "what": "что",
  "scope": "область",
  "contacts with points": "контакты с баллами",
  "mean score": "средний балл",
  "median score": "медианный балл",
  "highest score": "наибольший балл",
  "factor": "фактор",
  "type": "тип",
  "rows": "строки",
  "bins": "интервалы",
  "tag": "тег",
  "rules": "правила",
  "high from": "высокий от",
  "medium from": "средний от",
  "tier": "уровень",
  "score": "балл",
  "rule": "правило",
  "event": "событие",
  "column": "столбец",
  "distinct values": "различных значений",
  "examples": "примеры",
  "categorical": "категориальный",
  "trained on cutoffs": "обучено на срезах",
  "AUC fitted once": "AUC обученной один раз",
  "AUC refitted": "AUC переобученной",
  "encoding": "кодирование",
  "look-back days": "дней истории",
  "half-life days": "дней полураспада",
  "cross-validated AUC": "AUC кросс-валидации",
  "log-loss": "лог-потери",
  "computed for": "рассчитано для",
  "Impact on the tiers": "Влияние на уровни",
  "contacts, baseline": "контакты, базовая",
  "contacts, this config": "контакты, эта конфигурация",
  "converters, baseline": "покупатели, базовая",
  "converters, this config": "покупатели, эта конфигурация",
  "converters gained": "покупателей добавилось",
  "converters lost": "покупателей потеряно",
  // Row labels of the held-out tables.
  "exact points": "точные баллы",
  "whole points": "целые баллы",
  "whole points (engine)": "целые баллы (движок)",
  "exact fit": "точная модель",
  "plain regression": "простая регрессия",
  "with your edits": "с вашими правками",
  "in the contacts table": "в таблице контактов",
  "kept by the audience": "остались в аудитории",
  "on the verification list": "в списке проверки",
  "left out by verification": "исключены проверкой",
  "scored": "оценены",
  "none": "нет",
  "numeric": "числовой",
  "list": "список",
  // Forms and buttons.
  "Fit": "Подобрать",
  "Compare": "Сравнить",
  "Recalibrate": "Перекалибровать",
  "Build audience file": "Собрать файл аудитории",
  "first cutoff": "первый срез",
  "last cutoff": "последний срез",
  "every": "каждый",
  "month": "месяц",
  "week": "неделя",
  "horizon days": "дней горизонта",
  "points to double odds": "баллов на удвоение шансов",
  "held-out periods": "отложенных периодов",
  "L2 penalty": "штраф L2",
  "look-backs to try (days)": "варианты истории (дни)",
  "half-lives to try (days)": "варианты полураспада (дни)",
  "look-back days (comma-separated)": "дни истории (через запятую)",
  "half-lives (comma-separated, none = no decay)":
    "полураспад (через запятую, none = без затухания)",
  "refit on": "переобучать на",
  "every earlier period": "всех прошлых периодах",
  "the last 6 months": "последних 6 месяцах",
  "the last 12 months": "последних 12 месяцах",
  "keep the points, refit tiers only": "сохранить баллы, пересчитать только уровни",
  "hash": "хеш",
  "Previous": "Назад",
  "Next": "Вперёд",
  "rows {from}–{to} of {n}": "строки {from}–{to} из {n}",
  "{n} rows": "строк: {n}",
  "1 row": "1 строка",
  "table": "таблица",
  // Audience form.
  "Audience: who is scored at all (empty: everyone)":
    "Аудитория: кого оценивать вообще (пусто: всех)",
  "gender": "пол",
  "age from": "возраст от",
  "age to": "возраст до",
  "interests (any of)": "интересы (любой из)",
  "stage or deal status (any of)": "этап или статус сделки (любой из)",
  "touched from": "касание с",
  "touched to": "касание по",
  "touched by event types": "касание типами событий",
  "Verification: contacts on the verification list": "Проверка: контакты из списка проверки",
  "mode": "режим",
  "no verification": "без проверки",
  "leave them out": "исключить",
  "lower their score": "понизить балл",
  "only mark them": "только отметить",
  "score multiplier (0 to 1)": "множитель балла (от 0 до 1)",
  "Triggers: what happens when a contact reaches a tier":
    "Триггеры: что происходит, когда контакт достигает уровня",
  "name": "название",
  "reaches": "достигает",
  "action": "действие",
  "Remove": "Удалить",
  "Add a trigger": "Добавить триггер",
  "Apply to the current config": "Применить к текущей конфигурации",
  // Scopes form.
  "global score": "общий балл",
  "per deal stage": "по этапу сделки",
  "tags (a list)": "теги (список)",
  "Apply scopes": "Применить области",
  "The config has no event rules.": "В конфигурации нет правил по событиям.",
  // Tier tuner.
  "No scores to tier yet.": "Пока нет баллов для уровней.",
  "{n} scored contact-periods, {c} converted": "оценённых контакто-периодов: {n}, купили: {c}",
  "share": "доля",
  "95 % interval": "95 % интервал",
  "lift": "лифт",
  "capture": "охват покупателей",
  "information value": "информационная ценность",
  // Points editor.
  "Coefficients and points (edit a rule's points by hand)":
    "Коэффициенты и баллы (баллы правила можно изменить вручную)",
  "feature": "признак",
  "coefficient": "коэффициент",
  "std error": "ст. ошибка",
  "exact": "точно",
  "points": "баллы",
  "Back to fitted points": "Вернуть подобранные баллы",
  "(intercept)": "(свободный член)",
  "rounds to 0: no rule": "округляется до 0: без правила",
  // Calibrate.
  "No plain regression was fitted.": "Простая регрессия не подбиралась.",
  "The whole points rank {gap} AUC above the plain regression on these rows.":
    "Целые баллы ранжируют на {gap} AUC лучше простой регрессии на этих строках.",
  "The whole points rank {gap} AUC below the plain regression on these rows.":
    "Целые баллы ранжируют на {gap} AUC хуже простой регрессии на этих строках.",
  "Rounding to whole points costs {cost} AUC.": "Округление до целых баллов стоит {cost} AUC.",
  // Recalibration.
  "Press Recalibrate to refit before each of the later periods (a fit per period: this takes a while).":
    "Нажмите «Перекалибровать», чтобы подобрать модель перед каждым из поздних периодов (по подбору на период: это займёт время).",
  "Mean AUC per period: fitted once {fixed}, refitted before each period {refitted}.":
    "Средний AUC за период: обученной один раз {fixed}, переобучаемой перед каждым периодом {refitted}.",
  // Result stamps.
  "Computed for {version} on the loaded data.": "Рассчитано для {version} на загруженных данных.",
  "Out of date: computed for {version}": "Устарело: рассчитано для {version}",
  "the current config is now another version": "текущая конфигурация теперь другой версии",
  "the version was edited since": "версия с тех пор изменена",
  "the loaded data changed": "загруженные данные изменились",
  "the config was fitted on other data": "конфигурация подобрана на других данных",
  "no config": "нет конфигурации",
};

const TABLES: Record<string, Record<string, string>> = { ru: RU };

/** Every translated word of `lang`, for checks (English has none: it is the key). */
export function labelTable(lang: string): Readonly<Record<string, string>> {
  return TABLES[lang] ?? {};
}

/**
 * `text` in `lang`, with `{name}` placeholders filled from `values`; `text` itself (filled)
 * when there is no translation or the language is English.
 */
export function label(
  lang: string | null | undefined,
  text: string,
  values: Record<string, string | number> = {},
): string {
  const known = (LANGUAGES as readonly string[]).includes(lang ?? "") ? lang! : "en";
  const out = TABLES[known]?.[text] ?? text;
  return out.replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));
}
