import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../platform/db/index.js';
import { DISTRICT_NAMES } from '../../platform/geo/index.js';
import type { ExtraField } from './catalog.tables.js';

/** English names of the Call Sofia categories (the source is Bulgarian only). */
const CATEGORY_EN: Record<string, string> = {
  'Чистота': 'Cleanliness',
  'Водоснабдяване и канализация': 'Water supply and sewerage',
  'Пътна инфраструктура': 'Road infrastructure',
  'Пътна сигнализация': 'Road signs, markings and traffic lights',
  'Паркиране': 'Parking',
  'Екология. Зелена система': 'Ecology and green spaces',
  'Домашни и стопански животни': 'Domestic and farm animals',
  'Търговия, реклама и преместваеми обекти': 'Trade, advertising and movable structures',
  'Сгради/строежи': 'Buildings and construction',
  'Други': 'Other',
  'Проблеми с кучета': 'Problems with dogs',
  'Сметосъбиране и сметоизвозване': 'Waste collection and removal',
  'Улично осветление': 'Street lighting',
  'Замърсяване на обществени площи': 'Pollution of public areas',
  'Детски площадки': 'Playgrounds',
  'Инф. системи на Столична община': 'Sofia Municipality information systems',
  'Масов градски транспорт': 'Public transport',
  'COVID-19': 'COVID-19',
  'Спортни терени, площадки и съоръжения': 'Sports grounds and facilities',
};

/** Categories of the live system that no longer take signals. */
const RETIRED = new Set(['COVID-19']);

/**
 * Extra fields for some types, as configured data (CC-1). The real catalogue does not publish
 * them; these are what the unit needs to act without calling the citizen back.
 */
const EXTRA_FIELDS: Record<string, ExtraField[]> = {
  'Дупки, пропадане или издигане на настилката на пътното платно или тротоара': [
    { code: 'surface', datatype: 'single', required: true, labelBg: 'Къде е повредата', labelEn: 'Where is the damage',
      options: [ { key: 'road', bg: 'Пътно платно', en: 'Road surface' }, { key: 'pavement', bg: 'Тротоар', en: 'Pavement' }, { key: 'both', bg: 'И двете', en: 'Both' } ] },
    { code: 'size_cm', datatype: 'number', required: false, min: 1, max: 10_000, labelBg: 'Приблизителен размер (см)', labelEn: 'Approximate size (cm)' },
    { code: 'dangerous', datatype: 'bool', required: false, labelBg: 'Опасно за пешеходци или превозни средства', labelEn: 'Dangerous for pedestrians or vehicles' },
  ],
  'Неработещи единични лампи от уличното осветление': [
    { code: 'pole_number', datatype: 'text', required: false, labelBg: 'Номер на стълба (ако е видим)', labelEn: 'Pole number (if visible)' },
    { code: 'lamps', datatype: 'number', required: true, min: 1, max: 1000, labelBg: 'Брой неработещи лампи', labelEn: 'Number of lamps not working' },
  ],
  'Неправилно паркирали автомобили в зелени площи.': [
    { code: 'plate', datatype: 'text', required: false, labelBg: 'Регистрационен номер', labelEn: 'Registration plate' },
    { code: 'seen_on', datatype: 'date', required: true, past: true, labelBg: 'Дата на нарушението', labelEn: 'Date of the offence' },
  ],
  'Подмяна на съдове за отпадъци': [
    { code: 'containers', datatype: 'multi', required: true, labelBg: 'Какви съдове', labelEn: 'Which containers',
      options: [ { key: 'household', bg: 'Битови отпадъци', en: 'Household waste' }, { key: 'paper', bg: 'Хартия', en: 'Paper' }, { key: 'plastic', bg: 'Пластмаса и метал', en: 'Plastic and metal' }, { key: 'glass', bg: 'Стъкло', en: 'Glass' } ] },
  ],
  'Паднало дърво': [
    { code: 'blocks_road', datatype: 'bool', required: false, labelBg: 'Препречва пътя или тротоара', labelEn: 'Blocks the road or pavement' },
  ],
  'Ухапвания/нападения от кучета': [
    { code: 'happened_on', datatype: 'date', required: true, past: true, labelBg: 'Дата на случая', labelEn: 'Date of the incident' },
    { code: 'dogs', datatype: 'number', required: false, min: 1, max: 100, labelBg: 'Брой кучета', labelEn: 'Number of dogs' },
  ],
};

/** The organisations and units of the demo Municipality. */
const DIRECTORATES = [
  { code: 'KC', bg: 'Контактен център', en: 'Contact Center' },
  { code: 'DIR-TRANSPORT', bg: 'Дирекция „Транспорт“', en: 'Transport Directorate' },
  { code: 'DIR-ECOLOGY', bg: 'Дирекция „Зелена система“', en: 'Green Spaces Directorate' },
  { code: 'DIR-LIGHTING', bg: 'Дирекция „Инженерна инфраструктура“ – улично осветление', en: 'Engineering Infrastructure Directorate – street lighting' },
  { code: 'DIR-WASTE', bg: 'Дирекция „Управление на отпадъците“', en: 'Waste Management Directorate' },
  { code: 'DIR-CONTROL', bg: 'Столичен инспекторат', en: 'Sofia Inspectorate' },
];

/** Seeds organisations, units and the real Call Sofia catalogue, once. */
export async function seedCatalog(db: Database, referenceDir: string): Promise<void> {
  const { rows } = await db.raw.executeSql('SELECT count(*)::int AS n FROM categories', []);
  if ((rows[0] as { n: number }).n > 0) return;

  const org = await db.raw.executeSql(
    `INSERT INTO organisations (code, kind, name_bg, name_en, phone, address, hours)
     VALUES ('SO', 'municipality', 'Столична община', 'Sofia Municipality', '0700 17 310', 'ул. „Московска“ 33, София', '24/7') RETURNING id`,
    [],
  );
  const soId = (org.rows[0] as { id: number }).id;
  for (const d of DIRECTORATES) {
    await db.raw.executeSql('INSERT INTO units (organisation_id, code, name_bg, name_en) VALUES ($1, $2, $3, $4)', [soId, d.code, d.bg, d.en]);
  }
  for (const [code, names] of Object.entries(DISTRICT_NAMES)) {
    const o = await db.raw.executeSql(
      `INSERT INTO organisations (code, kind, name_bg, name_en) VALUES ($1, 'district_admin', $2, $3) RETURNING id`,
      [`R${code}`, `Район „${names.bg}“`, `${names.en} District`],
    );
    await db.raw.executeSql(
      `INSERT INTO units (organisation_id, code, name_bg, name_en, district_id)
       VALUES ($1, $2, $3, $4, (SELECT id FROM districts WHERE code = $5))`,
      [(o.rows[0] as { id: number }).id, `R${code}-ADM`, `Администрация на район „${names.bg}“`, `${names.en} District Administration`, code],
    );
  }

  // CC-9 rules as data: street lighting goes to its directorate wherever the lamp is; everything
  // else starts at the administration of the district the point lies in (the column default).
  const routeFixed: Record<string, string> = { 'Улично осветление': 'DIR-LIGHTING' };

  const ids = new Map<string, number>();
  for (const line of readFileSync(join(referenceDir, 'callsofia-category-ids.csv'), 'utf8').split('\n').slice(1)) {
    const m = /^(\d+),"(.*)"$/.exec(line.trim());
    if (m) ids.set(m[2]!.trim(), Number(m[1]));
  }
  const typesEn = new Map<string, string>();
  const enFile = join(referenceDir, 'callsofia-types-en.tsv');
  if (existsSync(enFile)) {
    for (const line of readFileSync(enFile, 'utf8').split('\n').slice(1)) {
      const [bg, en] = line.split('\t');
      if (bg && en) typesEn.set(bg.trim(), en.trim());
    }
  }
  const types = readFileSync(join(referenceDir, 'callsofia-catalog-2014.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => {
      const [count, category, name] = l.split('\t');
      return { count: Number(count), category: category!.trim(), name: name!.trim() };
    });

  // Categories of the catalogue first (by their Call Sofia id), then those only the live system has.
  const names = [...new Set([...types.map((t) => t.category), ...ids.keys()])].sort(
    (a, b) => (ids.get(a) ?? 999) - (ids.get(b) ?? 999),
  );
  let sort = 0;
  for (const name of names) {
    const csId = ids.get(name) ?? null;
    const cat = await db.raw.executeSql(
      `INSERT INTO categories (code, callsofia_id, name_bg, name_en, sort, active) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [csId ? `cs${csId}` : `c${sort}`, csId, name, CATEGORY_EN[name] ?? name, sort++, !RETIRED.has(name)],
    );
    const catId = (cat.rows[0] as { id: number }).id;
    const own = types.filter((t) => t.category === name).sort((a, b) => b.count - a.count);
    // A category the 2014 catalogue lacks still needs one type to be chosen at all.
    const list = own.length ? own : [{ count: 0, category: name, name: `Сигнал в категория „${name}“` }];
    let tsort = 0;
    for (const t of list) {
      await db.raw.executeSql(
        `INSERT INTO case_types (category_id, code, name_bg, name_en, fields, weight, sort) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [catId, `${csId ? `cs${csId}` : `c${sort}`}-${tsort + 1}`, t.name, typesEn.get(t.name) ?? (own.length ? t.name : `${CATEGORY_EN[name] ?? name}: general`),
         JSON.stringify(EXTRA_FIELDS[t.name] ?? []), t.count, tsort++],
      );
    }
  }
  for (const [category, unit] of Object.entries(routeFixed)) {
    await db.raw.executeSql(
      `UPDATE case_types SET route_to = 'unit', route_unit_id = (SELECT id FROM units WHERE code = $2)
       WHERE category_id = (SELECT id FROM categories WHERE name_bg = $1)`,
      [category, unit],
    );
  }
}
