import type { Database } from '../../platform/db/index.js';
import { DISTRICT_NAMES } from '../../platform/geo/index.js';

/**
 * What the directory starts with (CC-15, CC-14). Only facts we can stand behind: the Contact
 * Center's number and address come from its published terms, the emergency numbers are national,
 * the utilities' lines are the ones they publish; where we are not sure (the directorates' own
 * phones and hours, the district offices' addresses, the gas company's line, the crisis duty
 * officer's number) the value is left empty for administrators to fill in, and the page tells the
 * reader to ask the Contact Center meanwhile.
 */

const MUNICIPAL_ADDRESS = 'ул. „Московска“ 33, София 1000';

interface UnitData {
  code: string;
  functionsBg: string;
  functionsEn: string;
  address?: string;
  hours?: string;
  phone?: string;
}

const UNITS: UnitData[] = [
  {
    code: 'KC',
    functionsBg:
      'Приема денонощно неспешни сигнали за проблеми в градската среда, писма, жалби, предложения и заявления за достъп до обществена информация и ги разпределя по компетентност към звената на Столична община. Информира за услугите на общината и за функциите, местоположението, работното време и контактите на звената. Прехвърля спешни обаждания към 112, полицията, спешната помощ и комуналните дружества.',
    functionsEn:
      'Takes non-urgent signals about problems in the city, letters, complaints, proposals and public-information requests around the clock and passes them to the competent units of Sofia Municipality. Informs about the Municipality’s services and about the functions, location, working hours and contacts of its units. Transfers urgent calls to 112, the police, the ambulance service and the utility companies.',
    address: MUNICIPAL_ADDRESS,
    hours: '24/7',
    phone: '0700 17 310',
  },
  {
    code: 'DIR-TRANSPORT',
    functionsBg: 'Организация на движението: пътни знаци, маркировка и светофари; паркиране; масов градски транспорт и таксиметрови превози.',
    functionsEn: 'Traffic management: road signs, road markings and traffic lights; parking; public transport and taxi services.',
    address: MUNICIPAL_ADDRESS,
  },
  {
    code: 'DIR-ECOLOGY',
    functionsBg: 'Паркове, градини и улично озеленяване: поддръжка на зелените площи, резитба и премахване на опасни дървета, детски площадки в паркове.',
    functionsEn: 'Parks, gardens and street greenery: upkeep of green areas, pruning and removal of dangerous trees, playgrounds in parks.',
    address: MUNICIPAL_ADDRESS,
  },
  {
    code: 'DIR-LIGHTING',
    functionsBg: 'Улично осветление: неработещи лампи, повредени стълбове и кабели, ново осветление на улици, паркове и подлези.',
    functionsEn: 'Street lighting: lamps that do not work, damaged poles and cables, new lighting of streets, parks and underpasses.',
    address: MUNICIPAL_ADDRESS,
  },
  {
    code: 'DIR-WASTE',
    functionsBg: 'Сметосъбиране и сметоизвозване: съдове за битови и разделно събрани отпадъци, едрогабаритни и строителни отпадъци, нерегламентирани сметища.',
    functionsEn: 'Waste collection and removal: containers for household and separately collected waste, bulky and construction waste, illegal dumps.',
    address: MUNICIPAL_ADDRESS,
  },
  {
    code: 'DIR-CONTROL',
    functionsBg: 'Контрол по спазването на общинските наредби: чистота, паркиране в зелени площи, улична търговия и реклама, преместваеми обекти, изоставени автомобили; съставя актове за нарушения.',
    functionsEn: 'Enforcement of the municipal ordinances: cleanliness, parking on green areas, street trading and advertising, movable structures, abandoned cars; issues penalty notices.',
    address: MUNICIPAL_ADDRESS,
  },
  ...Object.entries(DISTRICT_NAMES).map(([n, name]) => ({
    code: `R${n}-ADM`,
    functionsBg: `Районна администрация на „${name.bg}“: гражданска регистрация и удостоверения (ГРАО), поддръжка на кварталните улици, междублоковите пространства и зелените площи в района, разрешения за преместваеми обекти и ползване на тротоари, сигнали от района.`,
    functionsEn: `District administration of ${name.en}: civil registration and certificates, upkeep of local streets, spaces between blocks and green areas in the district, permits for movable structures and use of pavements, signals from the district.`,
  })),
];

interface OrgData {
  code: string;
  kind: 'emergency' | 'police' | 'crisis' | 'utility';
  nameBg: string;
  nameEn: string;
  phone: string | null;
  hours: string | null;
  functionsBg: string;
  functionsEn: string;
  sort: number;
}

const ORGANISATIONS: OrgData[] = [
  {
    code: 'EXT-112',
    kind: 'emergency',
    nameBg: 'Национална система за спешни повиквания 112',
    nameEn: 'National emergency number 112',
    phone: '112',
    hours: '24/7',
    functionsBg: 'Единният европейски номер за спешни повиквания: пожар, произшествие, заплаха за живота, здравето или имуществото.',
    functionsEn: 'The single European emergency number: fire, accidents, threats to life, health or property.',
    sort: 10,
  },
  {
    code: 'EXT-POLICE',
    kind: 'police',
    nameBg: 'Полиция',
    nameEn: 'Police',
    phone: '166',
    hours: '24/7',
    functionsBg: 'Обществен ред и сигурност, пътнотранспортни произшествия, престъпления.',
    functionsEn: 'Public order and safety, road accidents, crimes.',
    sort: 20,
  },
  {
    code: 'EXT-AMBULANCE',
    kind: 'emergency',
    nameBg: 'Спешна медицинска помощ',
    nameEn: 'Ambulance (emergency medical care)',
    phone: '150',
    hours: '24/7',
    functionsBg: 'Спешна медицинска помощ при заплаха за живота или здравето.',
    functionsEn: 'Emergency medical care when life or health is threatened.',
    sort: 30,
  },
  {
    code: 'EXT-FIRE',
    kind: 'emergency',
    nameBg: 'Пожарна безопасност и защита на населението',
    nameEn: 'Fire safety and civil protection',
    phone: '160',
    hours: '24/7',
    functionsBg: 'Пожари, спасителни операции, бедствия и аварии.',
    functionsEn: 'Fires, rescue operations, disasters and accidents.',
    sort: 40,
  },
  {
    code: 'EXT-CRISIS',
    kind: 'crisis',
    nameBg: 'Оперативен дежурен на Столичния съвет по сигурност и управление при кризи',
    nameEn: 'Duty officer of the Sofia Council for Security and Crisis Management',
    phone: null,
    hours: null,
    functionsBg: 'Кризисни ситуации на територията на Столична община: наводнения, снежна обстановка, големи аварии, които засягат много хора.',
    functionsEn: 'Crises in Sofia Municipality: floods, heavy snow, major breakdowns affecting many people.',
    sort: 50,
  },
  {
    code: 'EXT-WATER',
    kind: 'utility',
    nameBg: '„Софийска вода“ АД',
    nameEn: 'Sofiyska Voda (water and sewerage)',
    phone: '0800 121 21',
    hours: null,
    functionsBg: 'Водоснабдяване и канализация: аварии по водопровода, липса на вода, запушена улична канализация, шахти без капак.',
    functionsEn: 'Water supply and sewerage: burst water mains, no water, blocked street drains, manholes without a cover.',
    sort: 60,
  },
  {
    code: 'EXT-HEATING',
    kind: 'utility',
    nameBg: '„Топлофикация София“ ЕАД',
    nameEn: 'Toplofikatsia Sofia (district heating)',
    phone: '0700 11 111',
    hours: null,
    functionsBg: 'Парно и топла вода: аварии по топлопреносната мрежа, спряно топлоподаване, сметки за топлинна енергия.',
    functionsEn: 'District heating and hot water: breakdowns of the heating network, heating cut off, heating bills.',
    sort: 70,
  },
  {
    code: 'EXT-POWER',
    kind: 'utility',
    nameBg: '„Електроразпределителни мрежи Запад“ (ЕРМ Запад)',
    nameEn: 'ERM Zapad (electricity distribution)',
    phone: '0700 10 010',
    hours: '24/7',
    functionsBg: 'Електрозахранване: прекъсвания и аварии по електроразпределителната мрежа.',
    functionsEn: 'Electricity supply: outages and breakdowns of the distribution network.',
    sort: 80,
  },
  {
    code: 'EXT-GAS',
    kind: 'utility',
    nameBg: '„Овергаз Мрежи“',
    nameEn: 'Overgas Mrezhi (natural gas distribution)',
    phone: null,
    hours: null,
    functionsBg: 'Газоразпределителна мрежа в София: повреди по газопроводи и отклонения. При мирис на газ в сграда – 112.',
    functionsEn: 'Gas distribution network in Sofia: damaged gas pipes and connections. If you smell gas in a building, call 112.',
    sort: 90,
  },
];

const DEMO_BG = 'Демонстрационно съдържание – не е официална информация на Столична община.';
const DEMO_EN = 'Demo content – not official information of Sofia Municipality.';

interface ServiceData {
  code: string;
  unit: string;
  nameBg: string;
  nameEn: string;
  howBg: string;
  howEn: string;
  documentsBg: string;
  documentsEn: string;
  deadlineBg: string;
  deadlineEn: string;
  priceBg: string;
  priceEn: string;
}

const SERVICES: ServiceData[] = [
  {
    code: 'DEMO-CURRENT-ADDRESS',
    unit: 'R01-ADM',
    nameBg: 'Удостоверение за настоящ адрес',
    nameEn: 'Certificate of current address',
    howBg: `${DEMO_BG}\nПодайте искане в центъра за административно обслужване на района, в който е настоящият Ви адрес (тук за пример е посочен район „Средец“), лично или чрез упълномощено лице. Удостоверението се получава на гишето или по пощата.`,
    howEn: `${DEMO_EN}\nApply at the service centre of the district where your current address is (the Sredets district is shown here as an example), in person or through an authorised person. Collect the certificate at the counter or receive it by post.`,
    documentsBg: 'Искане по образец.\nДокумент за самоличност.\nПълномощно, ако искането се подава от друго лице.',
    documentsEn: 'Application form.\nIdentity document.\nPower of attorney if someone else applies for you.',
    deadlineBg: 'Примерен срок (демо): до 3 работни дни',
    deadlineEn: 'Example deadline (demo): up to 3 working days',
    priceBg: 'Примерна такса (демо): 3,00 €',
    priceEn: 'Example fee (demo): €3.00',
  },
  {
    code: 'DEMO-STREET-STALL',
    unit: 'R01-ADM',
    nameBg: 'Разрешение за временен уличен щанд',
    nameEn: 'Permit for a temporary street stall',
    howBg: `${DEMO_BG}\nПодайте заявление до администрацията на района, в който ще бъде щандът, поне две седмици преди първия ден. Разрешението посочва мястото, размерите и периода; щандът не трябва да пречи на пешеходците.`,
    howEn: `${DEMO_EN}\nApply to the administration of the district where the stall will stand, at least two weeks before the first day. The permit states the place, the size and the period; the stall must not obstruct pedestrians.`,
    documentsBg: 'Заявление по образец.\nСкица на мястото с размерите на щанда.\nДокумент за регистрация на търговеца.\nЗа храни – документ за регистрация на обекта за храни.',
    documentsEn: 'Application form.\nSketch of the place with the size of the stall.\nThe trader’s registration document.\nFor food – the registration of the food business.',
    deadlineBg: 'Примерен срок (демо): 7 работни дни',
    deadlineEn: 'Example deadline (demo): 7 working days',
    priceBg: 'Примерна такса (демо): 1,00 € на кв. м на ден',
    priceEn: 'Example fee (demo): €1.00 per square metre per day',
  },
  {
    code: 'DEMO-TREE-REMOVAL',
    unit: 'DIR-ECOLOGY',
    nameBg: 'Разрешение за премахване на дърво в имот',
    nameEn: 'Permit to remove a tree on a property',
    howBg: `${DEMO_BG}\nПодайте заявление с описание на дървото и причината за премахването. Служител оглежда дървото на място; при разрешение може да бъде предписано засаждане на ново дърво.`,
    howEn: `${DEMO_EN}\nApply with a description of the tree and why it should be removed. An officer inspects the tree on site; a permit may require a new tree to be planted.`,
    documentsBg: 'Заявление по образец.\nДокумент за собственост на имота или съгласие на собствениците.\nСнимки на дървото.',
    documentsEn: 'Application form.\nProof of ownership of the property or the owners’ consent.\nPhotos of the tree.',
    deadlineBg: 'Примерен срок (демо): 14 дни',
    deadlineEn: 'Example deadline (demo): 14 days',
    priceBg: 'Примерна такса (демо): 10,00 €',
    priceEn: 'Example fee (demo): €10.00',
  },
  {
    code: 'DEMO-BULKY-WASTE',
    unit: 'DIR-WASTE',
    nameBg: 'Заявка за извозване на едрогабаритни отпадъци',
    nameEn: 'Request to collect bulky waste',
    howBg: `${DEMO_BG}\nЗаявете извозването по телефона на Контактния център или с писмо през този сайт, като посочите адреса и какво ще бъде изхвърлено. Оставете отпадъците до съдовете в уговорения ден.`,
    howEn: `${DEMO_EN}\nRequest the collection through the Contact Center’s phone or with a letter through this site, giving the address and what will be thrown away. Leave the items next to the bins on the agreed day.`,
    documentsBg: 'Не са нужни документи.',
    documentsEn: 'No documents are needed.',
    deadlineBg: 'Примерен срок (демо): до 5 работни дни',
    deadlineEn: 'Example deadline (demo): up to 5 working days',
    priceBg: 'Примерна цена (демо): безплатно за домакинства',
    priceEn: 'Example price (demo): free for households',
  },
];

/**
 * Fills the directory columns of the catalogue's units, adds the outside organisations calls are
 * transferred to and a few demo services. Idempotent and safe to run at every start: a unit
 * an administrator has edited (even to blank), or a row whose code exists, is left as it is.
 */
export async function seedDirectory(db: Database): Promise<void> {
  for (const u of UNITS) {
    await db.raw.executeSql(
      `UPDATE units SET functions_bg = $2, functions_en = $3, address = COALESCE(address, $4), hours = COALESCE(hours, $5), phone = COALESCE(phone, $6)
       WHERE code = $1 AND functions_bg IS NULL AND functions_en IS NULL
         AND NOT EXISTS (SELECT 1 FROM audit_log WHERE entity = 'unit' AND entity_id = $1)`,
      [u.code, u.functionsBg, u.functionsEn, u.address ?? null, u.hours ?? null, u.phone ?? null],
    );
  }
  for (const o of ORGANISATIONS) {
    await db.raw.executeSql(
      `INSERT INTO organisations (code, kind, name_bg, name_en, phone, hours, call_transfer, functions_bg, functions_en, sort)
       VALUES ($1, $2, $3, $4, $5, $6, true, $7, $8, $9) ON CONFLICT (code) DO NOTHING`,
      [o.code, o.kind, o.nameBg, o.nameEn, o.phone, o.hours, o.functionsBg, o.functionsEn, o.sort],
    );
  }
  for (const s of SERVICES) {
    await db.raw.executeSql(
      `INSERT INTO services (code, name_bg, name_en, how_bg, how_en, documents_bg, documents_en, deadline_bg, deadline_en, price_bg, price_en, unit_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, (SELECT id FROM units WHERE code = $12)) ON CONFLICT (code) DO NOTHING`,
      [s.code, s.nameBg, s.nameEn, s.howBg, s.howEn, s.documentsBg, s.documentsEn, s.deadlineBg, s.deadlineEn, s.priceBg, s.priceEn, s.unit],
    );
  }
}
