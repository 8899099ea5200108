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
  "e.g. call_back, send_to_crm": "например call_back, send_to_crm",
  "Apply to the current config": "Применить к текущей конфигурации",
  "f, m (a list)": "f, m (список)",
  "a list: loans, deposits": "список: loans, deposits",
  "a list: lead, qualified": "список: lead, qualified",
  "a list: call, form_submit": "список: call, form_submit",
  "0.5 halves the score": "0,5 вдвое снижает балл",
  "Scored as of the last event, {date}:": "Оценено на дату последнего события, {date}:",
  // Scopes form.
  "global score": "общий балл",
  "per deal stage": "по этапу сделки",
  "tags (a list)": "теги (список)",
  "Apply scopes": "Применить области",
  "The config has no event rules.": "В конфигурации нет правил по событиям.",
  // Load summary.
  "No data loaded yet.": "Данные пока не загружены.",
  "Load summary": "Сводка загрузки",
  "file": "файл",
  "read": "прочитано",
  "loaded": "загружено",
  "rejected": "отклонено",
  "duplicates": "дубликаты",
  "from": "с",
  "to": "по",
  "event types": "типы событий",
  "columns": "столбцы",
  "events": "события",
  "purchases": "покупки",
  "verification": "проверка",
  "Remap columns…": "Сопоставить столбцы…",
  "Rejected rows": "Отклонённые строки",
  "No rows were rejected.": "Отклонённых строк нет.",
  "row": "строка",
  "value": "значение",
  "reason": "причина",
  // File loader.
  "Drop contacts, events, purchases or verification files here (CSV, XLSX, JSON), or":
    "Перетащите сюда файлы контактов, событий, покупок или проверки (CSV, XLSX, JSON) или",
  "Choose files…": "Выберите файлы…",
  "choose…": "выберите…",
  "Load": "Загрузить",
  "Load anyway": "Всё равно загрузить",
  "Replace": "Заменить",
  "Keep the loaded table": "Оставить загруженную таблицу",
  "No id column: number the rows as contacts": "Нет столбца id: пронумеровать строки как контакты",
  // SQL cell and column mapper.
  "SQL (Ctrl+Enter runs)": "SQL (Ctrl+Enter — выполнить)",
  "Run": "Выполнить",
  "running…": "выполняется…",
  "{n} rows in {ms} ms": "строк: {n} за {ms} мс",
  "Query result": "Результат запроса",
  "Columns of the {kind} file": "Столбцы файла ({kind})",
  "(by name)": "(по имени)",
  "Load with this mapping": "Загрузить с этим сопоставлением",
  "at least one required": "нужен хотя бы один",
  "required": "обязательно",
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
  "Fitted on {rows} contact-periods ({converters} converted): {rules} rules, scale {pdo} points to double the odds; rounding to whole points costs {cost} AUC on these rows.":
    "Подобрано на {rows} контакто-периодах (купили: {converters}): правил {rules}, шкала {pdo} баллов на удвоение шансов; округление до целых баллов стоит {cost} AUC на этих строках.",
  "The config shipped is refitted on all {rows} contact-periods ({converters} converted).":
    "Поставляемая конфигурация переобучена на всех {rows} контакто-периодах (купили: {converters}).",
  "No plain regression was fitted.": "Простая регрессия не подбиралась.",
  "The whole points rank {gap} AUC above the plain regression on these rows.":
    "Целые баллы ранжируют на {gap} AUC лучше простой регрессии на этих строках.",
  "The whole points rank {gap} AUC below the plain regression on these rows.":
    "Целые баллы ранжируют на {gap} AUC хуже простой регрессии на этих строках.",
  "Rounding to whole points costs {cost} AUC.": "Округление до целых баллов стоит {cost} AUC.",
  "No selection was made for this fit.": "Для этой модели выбор не проводился.",
  "chosen by {n} time-ordered folds": "выбран по {n} частям в порядке времени",
  "chosen by {n} random folds": "выбран по {n} случайным частям",
  "as set": "как задан",
  "Encoding: {encoding}; L2 penalty {l2} ({how}); window {lookback} days, {decay}{grid}.":
    "Кодирование: {encoding}; штраф L2 {l2} ({how}); окно {lookback} дней, {decay}{grid}.",
  "event counts, one coefficient each": "счётчики событий, по коэффициенту на каждый",
  "half-life {n} days": "полураспад {n} дней",
  "no decay": "без затухания",
  "(chosen from {n} windows)": "(выбрано из {n} окон)",
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
  // Tiers.
  "Suggested from history (highest lift with at least 5 % of contacts per tier): high from {high} (95 % interval {highLower}–{highUpper}), medium from {medium} ({mediumLower}–{mediumUpper}).":
    "Предложено по истории (наибольший лифт при не менее 5 % контактов в уровне): высокий от {high} (95 % интервал {highLower}–{highUpper}), средний от {medium} ({mediumLower}–{mediumUpper}).",
  "Use these cuts": "Взять эти пороги",
  "Thresholds in force: high from {high}, medium from {medium}.":
    "Действующие пороги: высокий от {high}, средний от {medium}.",
  "contacts per tier and period": "контакты по уровням и периодам",
  "conversion per tier and period": "конверсия по уровням и периодам",
  // Charts.
  "chart": "диаграмма",
  "As of": "На дату",
  "Conversion rate": "Конверсия",
  "all": "все",
  "absent": "нет в базе",
  "Later tier": "Уровень позже",
  "Earlier tier": "Уровень раньше",
  "Half-life (days)": "Полураспад (дни)",
  "Look-back (days)": "История (дни)",
  "Out-of-time AUC": "AUC вне времени обучения",
  "Out-of-time AUC; outlined: chosen on the earlier periods":
    "AUC вне времени обучения; в рамке: выбранное на ранних периодах",
  "n/a": "н/д",
  "random ranking": "случайное ранжирование",
  "random order": "случайный порядок",
  "average": "среднее",
  "Validation log-loss": "Лог-потери на проверке",
  "lift (conversion / average)": "лифт (конверсия / среднее)",
  "information value of the strongest factors": "информационная ценность сильнейших факторов",
  "lift by bin of the six strongest factors": "лифт по интервалам шести сильнейших факторов",
  "conversion by attribute bin": "конверсия по интервалам атрибутов",
  "AUC per period": "AUC по периодам",
  "tier migration into the last period": "переходы между уровнями к последнему периоду",
  "out-of-time AUC by window setting": "AUC вне времени обучения по настройкам окна",
  "AUC per period: fitted once and refitted before each period":
    "AUC по периодам: обученная один раз и переобучаемая перед каждым периодом",
  "cross-validation curve: validation log-loss by L2 penalty":
    "кривая кросс-валидации: лог-потери на проверке по штрафу L2",
  "window grid: cross-validated AUC by look-back and half-life":
    "сетка окон: AUC кросс-валидации по истории и полураспаду",
  "gains: share of converters captured by score decile":
    "кривая выигрыша: доля покупателей по децилям балла",
  "snapshot cross-validation curve": "кривая кросс-валидации по срезу",
  "Chart of the query result": "Диаграмма результата запроса",
  "share of contacts, best scored first": "доля контактов, с лучших по баллу",
  "converters captured": "доля охваченных покупателей",
  // Periods.
  "One period only: nothing to compare.": "Только один период: сравнивать не с чем.",
  "{id} (score {score})": "{id} (балл {score})",
  "{tier} from {value}": "{tier} от {value}",
  "look-back {lookback} days, no decay": "история {lookback} дней, без затухания",
  "look-back {lookback} days, half-life {halfLife} days":
    "история {lookback} дней, полураспад {halfLife} дней",
  "{window} had the best mean AUC {auc} on {n} periods up to {date}; on the {later} later periods its AUC was {later_auc}, rank {rank} of {of}.":
    "{window}: лучший средний AUC {auc} на {n} периодах по {date}; на {later} более поздних периодах её AUC {later_auc}, место {rank} из {of}.",
  "The current {window} scored {auc} out of time.":
    "Текущая настройка ({window}) дала {auc} вне времени обучения.",
  "Recalibration needs at least three cutoffs: widen the period settings":
    "Для перекалибровки нужно не меньше трёх срезов: расширьте настройки периодов",
  // Export.
  "The config passes the schema ({rules} rules, high from {high}, medium from {medium}).":
    "Конфигурация проходит проверку схемы (правил: {rules}, высокий от {high}, средний от {medium}).",
  "Download {file}": "Скачать {file}",
  "Production config (JSON)": "Рабочая конфигурация (JSON)",
  'Over the last {n} periods ({dates}): baseline "{name}" against this config.':
    "За последние {n} периода ({dates}): базовая «{name}» против этой конфигурации.",
  "unnamed": "без названия",
  "Download XLSX report": "Скачать отчёт XLSX",
  "Choose the tiers, then build the file (scored as of the last event, {date}).":
    "Выберите уровни и соберите файл (оценка на дату последнего события, {date}).",
  "{rows} rows from {selected} contacts in {tiers}, scored as of {date} ({missing} without phone or e-mail, {duplicates} duplicates left out).":
    "Строк: {rows} из {selected} контактов уровней {tiers}, оценка на {date} (без телефона и e-mail: {missing}, дубликатов исключено: {duplicates}).",
  " and ": " и ",
  "Reports and audience files": "Отчёты и файлы аудиторий",
  // Audience and scopes.
  "stage": "этап",
  "The config has no rules scoped to a stage or a tag: only the global score. Tick a stage or give tags above, or fit one model per tag on Calibrate.":
    "В конфигурации нет правил с областью этапа или тега: только общий балл. Отметьте этап или задайте теги выше либо подберите модель на каждый тег на странице «Калибровка».",
  "audience": "аудитория",
  "scopes": "области",
  "triggers": "триггеры",
  // Calibrate.
  "Settings chosen from the data; change them and press Fit.":
    "Настройки выбраны по данным; измените их и нажмите «Подобрать».",
  "Enter look-backs or half-lives to try in the settings above to choose the window from the data too.":
    "Задайте в настройках выше варианты истории или полураспада, чтобы окно тоже выбиралось по данным.",
  "This fit is version {fit}; with your edits it is version {edit} ({n} points changed).":
    "Эта модель — версия {fit}; с вашими правками — версия {edit} (изменено баллов: {n}).",
  "This fit is version {fit}.": "Эта модель — версия {fit}.",
  "A new fit: your edits were kept on it ({kept}), and these were replaced by the new fit: {overwritten}.":
    "Новая модель: ваши правки сохранены ({kept}), а эти заменены новой моделью: {overwritten}.",
  "A new fit: your edits were kept on it ({kept}).":
    "Новая модель: ваши правки сохранены ({kept}).",
  "Use the plain fit": "Взять модель без правок",
  "A new fit replaced: {overwritten}.": "Новая модель заменила: {overwritten}.",
  "Nothing held out: set held-out periods above 0.":
    "Ничего не отложено: задайте число отложенных периодов больше 0.",
  "No hold-out: set held-out periods above 0 to see out-of-time metrics.":
    "Нет отложенных периодов: задайте их больше 0, чтобы увидеть метрики вне времени обучения.",
  "Saved: Tiers, Periods and Export use version {id}":
    "Сохранено: Уровни, Периоды и Экспорт используют версию {id}",
  "Use this config on the next pages": "Использовать эту конфигурацию на следующих страницах",
  "{n} notes from the fit": "Замечаний к модели: {n}",
  "The fit raised no warnings.": "Замечаний к модели нет.",
  "No tag has enough purchases for its own model":
    "Ни у одного тега нет достаточно покупок для своей модели",
  "Saved as version {id}: {n} tag models.": "Сохранено как версия {id}: моделей по тегам: {n}.",
  "Fit one model per tag": "Подобрать модель на каждый тег",
  "Load events and purchases on the Data page first":
    "Сначала загрузите события и покупки на странице «Данные»",
  "Load events on the Data page first": "Сначала загрузите события на странице «Данные»",
  // Factors.
  "Load contacts on the Data page to see their attributes":
    "Загрузите контакты на странице «Данные», чтобы увидеть их атрибуты",
  "bought (any purchase in the data)": "купил (любая покупка в данных)",
  "No contact column looks like codes.": "Ни один столбец контактов не похож на коды.",
  "Pick a label column above to fit points on attributes.":
    "Выберите выше столбец метки, чтобы подобрать баллы по атрибутам.",
  "Saved as version {id} ({rules} attribute rules, hold-out AUC {auc})":
    "Сохранено как версия {id} (правил по атрибутам: {rules}, AUC на отложенных {auc})",
  "Nothing held out: the cross-validation is the evidence.":
    "Ничего не отложено: доказательство — кросс-валидация.",
  "Encoding {encoding}, L2 penalty {l2} ({how}).": "Кодирование {encoding}, штраф L2 {l2} ({how}).",
  "chosen by {n} folds": "выбран по {n} частям",
  'Fit points on "{label}"': "Подобрать баллы по «{label}»",
  // Loading.
  "{file}: {loaded} rows loaded, {rejected} rejected":
    "{file}: загружено строк: {loaded}, отклонено: {rejected}",
  "most rows were rejected (check the column mapping).":
    "отклонено большинство строк (проверьте сопоставление столбцов).",
  "Replace {name} ({rows} rows) anyway?": "Всё равно заменить {name} ({rows} строк)?",
  "Load it anyway?": "Всё равно загрузить?",
  "Replace the loaded table anyway?": "Всё равно заменить загруженную таблицу?",
  "Replace {name} ({rows} rows)?": "Заменить {name} ({rows} строк)?",
  "Replaced {name}.": "{name} заменён.",
  "Undo: bring back {name}": "Отменить: вернуть {name}",
  "Remap columns of {name} ({kind})": "Сопоставление столбцов {name} ({kind})",
  "Cancel": "Отмена",
  "Loading notebook…": "Загрузка страницы…",
  "Settings reset to the data: a look-back of {lookback} days and a horizon of {horizon} days leave no cutoff in the loaded data":
    "Настройки сброшены по данным: при истории {lookback} дней и горизонте {horizon} дней в загруженных данных не остаётся ни одного среза",
  "Cutoffs reset to the data: {from} to {to} fell outside {first} to {last}, the cutoffs with a full look-back and horizon in the loaded data":
    "Срезы сброшены по данным: {from} — {to} выходят за {first} — {last}, срезы с полной историей и горизонтом в загруженных данных",
  "Calibrated in the workbench": "Откалибрована в приложении",
  "read by DuckDB (read_csv)": "прочитан DuckDB (read_csv)",
  "read by the loader": "прочитан загрузчиком",
  "contacts: phones, e-mails, genders, lists and duplicate ids are the loader's rules":
    "контакты: телефоны, e-mail, пол, списки и повторы id проверяет загрузчик",
  "verification: phones, e-mails, genders, lists and duplicate ids are the loader's rules":
    "проверка: телефоны, e-mail, пол, списки и повторы id проверяет загрузчик",
  "empty: no decay": "пусто: без затухания",
  "cv: chosen by cross-validation; a number fixes it (0: none)":
    "cv: выбор кросс-валидацией; число задаёт его (0: без штрафа)",
  "e.g. 90, 180, 365: the window is chosen by cross-validation; empty: the look-back above":
    "например 90, 180, 365: окно выбирается кросс-валидацией; пусто: история выше",
  "e.g. none, 30, 60; empty: the half-life above": "например none, 30, 60; пусто: полураспад выше",
  "log-odds of a contact with no event (kept in the score-to-probability map)":
    "лог-шансы контакта без событий (хранятся в переводе балла в вероятность)",
  // Version names.
  "weekly": "по неделям",
  "monthly": "по месяцам",
  ", edited": ", с правками",
  ", one model per tag": ", модель на каждый тег",
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

/** Names the workbench gives config versions, in English, with what varies in them. */
const NAME_FORMS: { re: RegExp; ru: (m: string[]) => string }[] = [
  {
    re:
      /^Calibrated: (weekly|monthly), look-back (\d+) days, horizon (\d+) days(?:, half-life (\d+) days)?(.*)$/,
    ru: (m) =>
      `Калибровка: ${RU[m[1]]}, история ${m[2]} дней, горизонт ${m[3]} дней${
        m[4] ? `, полураспад ${m[4]} дней` : ""
      }${tail(m[5])}`,
  },
  {
    re: /^Calibrated on the contacts column "(.*?)"(?: \((.*) as categories\))?(.*)$/,
    ru: (m) =>
      `Калибровка по столбцу контактов «${m[1]}»${m[2] ? ` (${m[2]} как категории)` : ""}${
        tail(m[3])
      }`,
  },
  { re: /^Calibrated in the workbench(.*)$/, ru: (m) => `Откалибрована в приложении${tail(m[1])}` },
  { re: /^Calibrated, edited$/, ru: () => "Калибровка, с правками" },
];

/** The suffixes added to a name (", one model per tag", ", edited"), in Russian. */
function tail(rest: string): string {
  return rest.split(/(?=, )/).map((part) => RU[part] ?? part).join("");
}

/**
 * A config version's name in `lang`: the names the workbench gives (`Calibrated: monthly,
 * look-back 90 days, ...`, `..., edited`) are kept in English, like config files, and shown
 * translated; a name someone wrote (a file name) shows as it is.
 */
export function versionName(lang: string | null | undefined, name: string): string {
  if (lang !== "ru") return name;
  for (const form of NAME_FORMS) {
    const m = form.re.exec(name);
    if (m) return form.ru(m);
  }
  return name.endsWith(", edited") ? `${name.slice(0, -8)}${RU[", edited"]}` : name;
}
