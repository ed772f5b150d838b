import type Sqlite from 'better-sqlite3';
import type pg from 'pg';
import type { ResourceDef } from '../catalog/resource.js';
import type { Element, ScalarElement, ScalarValue } from '../catalog/types.js';
import { assertNever } from '../catalog/lookup.js';
import { ownedBy, resourceNamed } from '../catalog/registry.js';
import type { Store } from './database.js';
import {
  analyzeSqlite,
  copyInto,
  copyLine,
  copySuffix,
  COPY_CHUNK,
  CopyChunks,
  PgBatches,
  quoteIdent,
  reserveIds,
  SqliteAppender,
  sqliteNextId,
  SQLITE_ROWS_PER_STATEMENT,
  withLargeCache,
  withoutForeignKeyChecks,
  type ConstantColumn,
  type DbValue,
} from './seed/bulk-insert.js';
import { checkSeededNames } from './seed/catalog-names.js';
import { FIRST_NAMES, LAST_NAMES, MIDDLE_INITIALS, type Name } from './seed/names.js';
import { drawStamps, mulberry32, pickFrom, type Random, type Stamps } from './seed/random.js';

/**
 * Bulk generator of realistic contingent workers with their owned children (e-mails, phone
 * numbers, addresses, skills, identifiers) for demos and benchmarks. As for users
 * (user-seeder.ts), the columns come from the catalogue: this file says how to invent a value
 * for some elements, by wire name, and every other stored scalar gets its catalogue default.
 * It bypasses the service layer on purpose, and checks at start that every element it names
 * still exists, so a renamed element fails the seed instead of leaving a column empty.
 */

const WORKERS = resourceNamed('workers');

export interface WorkerSeedOptions {
  readonly workers: number;
  /** Workers per transaction; also how often `onProgress` is called. */
  readonly batchSize?: number;
  /** Seed of the pseudo-random generator, so a run can be repeated exactly. */
  readonly randomSeed?: number;
  readonly onProgress?: (inserted: number) => void;
}

export interface WorkerSeedResult {
  readonly inserted: number;
  /** Child rows made, by table (`worker_emails`). */
  readonly children: Readonly<Record<string, number>>;
  readonly firstId: number | null;
  readonly lastId: number | null;
  readonly elapsedMs: number;
}

// --- What is invented ----------------------------------------------------------------------

/** A city of a region, with what its addresses and phone numbers show. */
interface Place {
  readonly city: string;
  /** State or province, if the country writes one. */
  readonly state: string | null;
  /** Area code, dialled after the trunk prefix. */
  readonly area: string;
  /** Subscriber digits after the area code. */
  readonly digits: number;
  /** Digits a subscriber number there may start with. */
  readonly lead: string;
}

/** A country workers live in: its phone numbering and a few addresses, enough to look right. */
interface Region {
  /** ISO 3166 code, as in the countries table. */
  readonly code: string;
  /** Share of workers living there, relative to the others. */
  readonly weight: number;
  /** National trunk prefix dialled before the area code (`0` in most of Europe). */
  readonly trunk: string;
  /** Postal code pattern: `#` a digit, `A` a capital letter. */
  readonly postal: string;
  /** `12 Main Street` rather than `Hauptstraße 12`. */
  readonly numberFirst: boolean;
  readonly places: readonly Place[];
  readonly streets: readonly string[];
}

/**
 * A region; each place is written `city|state|area|digits|lead` (no state: an empty one; `lead`
 * the first digits valid there, by default 2 to 9; libphonenumber-js takes every number made).
 */
const region = (
  code: string,
  weight: number,
  trunk: string,
  postal: string,
  numberFirst: boolean,
  places: readonly string[],
  streets: readonly string[],
): Region => ({
  code,
  weight,
  trunk,
  postal,
  numberFirst,
  places: places.map((p) => {
    const [city = '', state = '', area = '', digits = '7', lead = '23456789'] = p.split('|');
    return { city, state: state === '' ? null : state, area, digits: Number(digits), lead };
  }),
  streets,
});

/** About twenty common countries; a code missing from the countries table is left out. */
const REGIONS: readonly Region[] = [
  region(
    'US',
    30,
    '',
    '#####',
    true,
    ['San Francisco|CA|415|7', 'New York|NY|212|7', 'Chicago|IL|312|7', 'Boston|MA|617|7', 'Seattle|WA|206|7', 'Austin|TX|512|7'],
    ['Main Street', 'Market Street', 'Oak Avenue', 'Park Avenue', 'Elm Street', 'Washington Boulevard'],
  ),
  region(
    'GB',
    8,
    '0',
    'A## #AA',
    true,
    ['London|England|20|8|378', 'Manchester|England|161|7', 'Edinburgh|Scotland|131|7|2345678'],
    ['High Street', 'Station Road', 'Church Lane'],
  ),
  region(
    'CA',
    5,
    '',
    'A#A #A#',
    true,
    ['Toronto|ON|416|7', 'Vancouver|BC|604|7', 'Montreal|QC|514|7'],
    ['King Street West', 'Granville Street', 'Rue Sainte-Catherine'],
  ),
  region(
    'DE',
    6,
    '0',
    '#####',
    false,
    ['Berlin|Berlin|30|8', 'München|Bayern|89|8', 'Hamburg|Hamburg|40|8'],
    ['Hauptstraße', 'Bahnhofstraße', 'Gartenweg'],
  ),
  region(
    'FR',
    5,
    '0',
    '#####',
    true,
    ['Paris|Île-de-France|1|8', 'Lyon|Auvergne-Rhône-Alpes|4|8', "Marseille|Provence-Alpes-Côte d'Azur|4|8"],
    ['Rue de la Paix', 'Avenue Victor Hugo', 'Rue du Commerce'],
  ),
  region(
    'NL',
    4,
    '0',
    '#### AA',
    false,
    ['Amsterdam|NH|20|7', 'Rotterdam|ZH|10|7'],
    ['Herengracht', 'Keizersgracht', 'Coolsingel'],
  ),
  region(
    'IN',
    8,
    '0',
    '######',
    true,
    ['Mumbai|Maharashtra|22|8|234567', 'Bengaluru|Karnataka|80|8', 'New Delhi|Delhi|11|8|234567'],
    ['MG Road', 'Linking Road', 'Park Street'],
  ),
  region('JP', 3, '0', '###-####', true, ['Tokyo|Tokyo|3|8', 'Osaka|Osaka|6|8'], ['Chuo-dori', 'Midosuji']),
  region('AU', 3, '0', '####', true, ['Sydney|NSW|2|8|26789', 'Melbourne|VIC|3|8|2589'], ['George Street', 'Collins Street']),
  region('ES', 3, '', '#####', false, ['Madrid|Madrid|91|7', 'Barcelona|Cataluña|93|7'], ['Calle Mayor', 'Gran Vía']),
  region('IT', 3, '', '#####', false, ['Roma|Lazio|06|8', 'Milano|Lombardia|02|8'], ['Via Roma', 'Via Garibaldi']),
  region(
    'BR',
    3,
    '',
    '#####-###',
    false,
    ['São Paulo|SP|11|8|2345', 'Rio de Janeiro|RJ|21|8|2345'],
    ['Avenida Paulista', 'Rua Augusta'],
  ),
  region(
    'MX',
    3,
    '',
    '#####',
    false,
    ['Ciudad de México|CDMX|55|8', 'Guadalajara|JAL|33|8'],
    ['Paseo de la Reforma', 'Avenida Juárez'],
  ),
  region('IE', 2, '0', 'A## A#A#', true, ['Dublin|Dublin|1|7', 'Cork|Cork|21|7'], ["O'Connell Street", 'Grafton Street']),
  region(
    'SE',
    2,
    '0',
    '### ##',
    false,
    ['Stockholm|Stockholm|8|7', 'Göteborg|Västra Götaland|31|7'],
    ['Drottninggatan', 'Kungsgatan'],
  ),
  region(
    'PL',
    2,
    '',
    '##-###',
    false,
    ['Warszawa|mazowieckie|22|7', 'Kraków|małopolskie|12|7'],
    ['ulica Marszałkowska', 'ulica Floriańska'],
  ),
  region('CN', 2, '0', '######', true, ['Beijing|Beijing|10|8', 'Shanghai|Shanghai|21|8'], ['Nanjing Road', 'Jianguo Road']),
  region('SG', 2, '', '######', true, ['Singapore||6|7|12345'], ['Orchard Road', 'Raffles Place']),
  region('CH', 2, '0', '####', false, ['Zürich|ZH|44|7', 'Genève|GE|22|7'], ['Bahnhofstrasse', 'Rue du Rhône']),
  region('ZA', 2, '0', '####', true, ['Cape Town|Western Cape|21|7', 'Johannesburg|Gauteng|11|7'], ['Long Street', 'Main Road']),
];

const TITLES = [
  'Software Engineer',
  'Senior Software Engineer',
  'Project Manager',
  'Business Analyst',
  'Data Analyst',
  'QA Engineer',
  'DevOps Engineer',
  'UX Designer',
  'Technical Writer',
  'Scrum Master',
  'Consultant',
  'Accountant',
  'Administrative Assistant',
  'Warehouse Associate',
  'Forklift Operator',
  'Welder',
  'Electrician',
  'Customer Support Specialist',
  'Recruiter',
  'Registered Nurse',
];
const WORK_DOMAINS = ['contractors.example', 'staffing.example', 'workforce.example'];
const PERSONAL_DOMAINS = ['mail.example', 'inbox.example'];
const PHONE_TYPES = ['mobile', 'mobile', 'mobile', 'work', 'work', 'home'];
const DAY_MS = 24 * 3600 * 1000;
const BIRTH_FROM = Date.UTC(1955, 0, 1);
const BIRTH_DAYS = (Date.UTC(2005, 11, 31) - BIRTH_FROM) / DAY_MS + 1;

/** A country drawn for a worker, with its id in the countries table. */
interface Country {
  readonly region: Region;
  readonly id: number;
}

/** Rows of reference data the generator points at, read once per run. */
interface References {
  readonly suppliers: readonly number[];
  /** Weighted: each country appears `weight` times. */
  readonly countries: readonly Country[];
  readonly skills: readonly number[];
  readonly purposes: readonly number[];
  readonly homePurpose: number | undefined;
  readonly identifierTypes: ReadonlyMap<string, number>;
}

/** What is decided once per worker and read by its columns and its children. */
interface Worker {
  readonly id: number;
  readonly first: Name;
  readonly last: Name;
  readonly stamps: Stamps;
  readonly residence: Country | undefined;
  /** Where the worker lives, in the residence country (any region's city when there is none): address and phone agree. */
  readonly region: Region;
  readonly place: Place;
  readonly nationality: Country | undefined;
  /** `YYYY-MM-DD`, between 1955 and 2005. */
  readonly birthDate: string;
  /** Total experience in tenths of a year, at most the years since the worker turned 18 (and 35). */
  readonly experience: number;
}

/** A composite's parts by name (a phone number's `number`, `country-code`). */
type Parts = Readonly<Record<string, string | null>>;
/** An invented value of an element: a scalar (null for none), a referenced row's id, or a composite's parts. */
type Value = ScalarValue | null | Parts;
type Kind = Extract<Element['kind'], 'scalar' | 'reference' | 'composite'>;

/**
 * Invented values of a worker's rows in one table, by element name. `fields` names the elements
 * and their kinds, checked against the catalogue at start; `make` emits each row's values (the
 * type keeps the two in step).
 */
interface RowGenerator {
  readonly fields: Readonly<Record<string, Kind>>;
  readonly make: (w: Worker, rnd: Random, emit: (values: Readonly<Record<string, Value>>) => void) => void;
}

const generator = <K extends string>(
  fields: Readonly<Record<K, Kind>>,
  make: (w: Worker, rnd: Random, emit: (values: Readonly<Record<K, Value>>) => void) => void,
): RowGenerator => ({ fields, make });

const digits = (rnd: Random, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += String(Math.floor(rnd() * 10));
  return s;
};

const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const letter = (rnd: Random): string => LETTERS.charAt(Math.floor(rnd() * LETTERS.length));

function postalCode(rnd: Random, pattern: string): string {
  let s = '';
  for (const c of pattern) s += c === '#' ? String(Math.floor(rnd() * 10)) : c === 'A' ? letter(rnd) : c;
  return s;
}

/** A tenths value as canonical decimal text (`12.5`, `0.0`). */
const tenths = (n: number): string => `${Math.floor(n / 10)}.${n % 10}`;

const pad = (id: number, width: number): string => String(id).padStart(width, '0');

/** The columns of a worker itself; the references hold the ids drawn in `WorkerMaker.make`. */
function workerFields(refs: References): RowGenerator {
  return generator(
    {
      'first-name': 'scalar',
      'last-name': 'scalar',
      'middle-name': 'scalar',
      active: 'scalar',
      status: 'scalar',
      'current-title': 'scalar',
      'total-experience-in-years': 'scalar',
      'portal-access': 'scalar',
      'date-of-birth': 'scalar',
      'gender-code': 'scalar',
      supplier: 'reference',
      'country-of-residence': 'reference',
      nationality: 'reference',
    },
    (w, rnd, emit) => {
      const portal = rnd();
      emit({
        'first-name': w.first.display,
        'last-name': w.last.display,
        'middle-name': rnd() < 0.15 ? pickFrom(rnd, MIDDLE_INITIALS) : null,
        active: rnd() < 0.95,
        status: rnd() < 0.4 ? 'assigned' : 'open',
        'current-title': rnd() < 0.9 ? pickFrom(rnd, TITLES) : null,
        'total-experience-in-years': tenths(w.experience),
        'portal-access': portal < 0.85 ? 'Not Registered' : portal < 0.95 ? 'Invited' : 'Registered',
        'date-of-birth': w.birthDate,
        'gender-code': rnd() < 0.5 ? 'f' : 'm',
        supplier: refs.suppliers.length > 0 ? pickFrom(rnd, refs.suppliers) : null,
        'country-of-residence': w.residence?.id ?? null,
        nationality: w.nationality?.id ?? null,
      });
    },
  );
}

/** The owned children by the worker's element name: which elements each row fills, and its rows. */
function childFields(refs: References): Readonly<Record<string, RowGenerator>> {
  const type = (code: string): number | undefined => refs.identifierTypes.get(code);
  const hr = type('hr_system');
  const vms = type('vms');
  const passport = type('passport');
  const nationalId = type('national_id');
  return {
    'worker-emails': generator({ 'email-address': 'scalar', 'email-type': 'scalar' }, (w, rnd, emit) => {
      // The id makes each address unique against every worker this seeder ever made.
      const local = `${w.first.slug}.${w.last.slug}.${w.id}`;
      emit({ 'email-address': `${local}@${pickFrom(rnd, WORK_DOMAINS)}`, 'email-type': 'work' });
      if (rnd() < 0.25) emit({ 'email-address': `${local}@${pickFrom(rnd, PERSONAL_DOMAINS)}`, 'email-type': 'personal' });
    }),
    'worker-phone-numbers': generator({ 'phone-type': 'scalar', 'phone-number': 'composite' }, (w, rnd, emit) => {
      const { region: r, place } = w;
      // National format, digits only, as `splitRegionalPhone` stores one: trunk, area, subscriber.
      const number = `${r.trunk}${place.area}${place.lead.charAt(Math.floor(rnd() * place.lead.length))}${digits(rnd, place.digits - 1)}`;
      emit({
        'phone-type': pickFrom(rnd, PHONE_TYPES),
        'phone-number': { number, extension: rnd() < 0.05 ? digits(rnd, 3) : null, 'country-code': r.code },
      });
    }),
    'worker-addresses': generator(
      {
        street1: 'scalar',
        city: 'scalar',
        state: 'scalar',
        'postal-code': 'scalar',
        country: 'reference',
        active: 'scalar',
        'worker-address-purpose': 'reference',
      },
      (w, rnd, emit) => {
        const { region: r, place } = w;
        const street = pickFrom(rnd, r.streets);
        const number = String(1 + Math.floor(rnd() * 250));
        const purpose =
          refs.homePurpose !== undefined && rnd() < 0.7
            ? refs.homePurpose
            : refs.purposes.length > 0
              ? pickFrom(rnd, refs.purposes)
              : null;
        emit({
          street1: r.numberFirst ? `${number} ${street}` : `${street} ${number}`,
          city: place.city,
          state: place.state,
          'postal-code': postalCode(rnd, r.postal),
          country: w.residence?.id ?? null,
          active: true,
          'worker-address-purpose': purpose,
        });
      },
    ),
    'worker-skills': generator({ skill: 'reference', 'years-of-experience': 'scalar' }, (w, rnd, emit) => {
      const p = rnd();
      const want = Math.min(refs.skills.length, p < 0.2 ? 0 : p < 0.55 ? 1 : p < 0.85 ? 2 : 3);
      const chosen: number[] = [];
      while (chosen.length < want) {
        const skill = pickFrom(rnd, refs.skills);
        if (chosen.includes(skill)) continue;
        chosen.push(skill);
        emit({ skill, 'years-of-experience': tenths(Math.floor(rnd() * (w.experience + 1))) });
      }
    }),
    'external-identifiers': generator({ 'identifier-type': 'reference', value: 'scalar' }, (w, rnd, emit) => {
      if (rnd() >= 0.35) return;
      // Built from the id, so unique, as an HR or VMS number would be.
      if (rnd() < 0.6) {
        if (hr !== undefined) emit({ 'identifier-type': hr, value: `HR-${pad(w.id, 6)}` });
      } else if (vms !== undefined) emit({ 'identifier-type': vms, value: `VMS-${pad(w.id, 7)}` });
    }),
    'national-identifiers': generator(
      { country: 'reference', 'identifier-type': 'reference', value: 'scalar' },
      (w, rnd, emit) => {
        if (rnd() >= 0.25) return;
        const country = w.nationality ?? w.residence;
        if (!country) return;
        if (rnd() < 0.5) {
          if (passport !== undefined) {
            emit({ country: country.id, 'identifier-type': passport, value: `${letter(rnd)}${digits(rnd, 8)}` });
          }
        } else if (nationalId !== undefined) {
          emit({ country: country.id, 'identifier-type': nationalId, value: digits(rnd, 10) });
        }
      },
    ),
  };
}

/** Draws what each worker's columns and children share; everything else is drawn as they are made. */
class WorkerMaker {
  private readonly nowYear: number;

  constructor(
    private readonly refs: References,
    readonly rnd: Random,
    private readonly now: number,
  ) {
    this.nowYear = new Date(now).getUTCFullYear();
  }

  make(id: number): Worker {
    const { rnd, refs } = this;
    const first = pickFrom(rnd, FIRST_NAMES);
    const last = pickFrom(rnd, LAST_NAMES);
    const stamps = drawStamps(rnd, this.now);
    const residence = refs.countries.length > 0 ? pickFrom(rnd, refs.countries) : undefined;
    const region = residence?.region ?? pickFrom(rnd, REGIONS);
    const place = pickFrom(rnd, region.places);
    const nationality =
      residence !== undefined && rnd() < 0.6 ? (rnd() < 0.85 ? residence : pickFrom(rnd, refs.countries)) : undefined;
    const birthDate = new Date(BIRTH_FROM + Math.floor(rnd() * BIRTH_DAYS) * DAY_MS).toISOString().slice(0, 10);
    const maxYears = Math.max(0, Math.min(35, this.nowYear - Number(birthDate.slice(0, 4)) - 18));
    const experience = Math.floor(rnd() * (maxYears * 10 + 1));
    return { id, first, last, stamps, residence, region, place, nationality, birthDate, experience };
  }
}

// --- From the catalogue to columns ---------------------------------------------------------

type Values = Readonly<Record<string, Value>>;

interface Column {
  readonly name: string;
  readonly value: (w: Worker, v: Values) => DbValue;
}

/** How one table is filled: the generator of its rows and the columns their values go to. */
interface TablePlan {
  readonly table: string;
  readonly generator: RowGenerator;
  /** Columns bound per row, in order. */
  readonly columns: readonly string[];
  readonly constants: readonly ConstantColumn[];
  /** One row's values for `columns`. */
  readonly values: (w: Worker, v: Values) => DbValue[];
}

interface Plan {
  readonly workers: TablePlan;
  readonly children: readonly TablePlan[];
  /** The children's indexes on their owner column, looked up by one worker id at a time. */
  readonly ownerIndexes: readonly string[];
}

const scalarOf = (v: Value | undefined): ScalarValue | null =>
  v === undefined || v === null || typeof v === 'object' ? null : v;
const partsOf = (v: Value | undefined): Parts | undefined => (typeof v === 'object' && v !== null ? v : undefined);

/**
 * The columns of `def` the generator fills, in catalogue order: the id (the worker's; a child's
 * comes from the database), the timestamps (the worker's for its children too), the owner
 * reference (`owner`), the generated elements, and the catalogue default of every other scalar.
 */
function tablePlan(store: Store, def: ResourceDef, generator: RowGenerator, owner?: string): TablePlan {
  const { dialect } = store;
  checkSeededNames(def, Object.entries(generator.fields));
  const columns: Column[] = [];
  const constants: ConstantColumn[] = [];
  const encode = (el: ScalarElement, v: ScalarValue | null): DbValue => dialect.toDb(el.type, v);
  let ownerFilled = false;
  for (const el of def.elements) {
    const generated = generator.fields[el.name];
    switch (el.kind) {
      case 'scalar': {
        const auto = el.auto;
        if (auto === 'id') {
          if (owner === undefined) columns.push({ name: el.column, value: (w) => w.id });
        } else if (auto === 'created-at' || auto === 'updated-at') {
          columns.push({ name: el.column, value: (w) => encode(el, w.stamps[auto]) });
        } else if (generated === 'scalar') {
          columns.push({ name: el.column, value: (_w, v) => encode(el, scalarOf(v[el.name])) });
        } else if (el.default !== undefined) constants.push({ name: el.column, constant: encode(el, el.default) });
        break;
      }
      case 'reference':
        if (el.owner === true && el.name === owner) {
          columns.push({ name: el.column, value: (w) => w.id });
          ownerFilled = true;
        } else if (generated === 'reference') columns.push({ name: el.column, value: (_w, v) => scalarOf(v[el.name]) });
        break;
      case 'composite':
        if (generated !== 'composite') break;
        for (const f of el.fields) {
          columns.push({ name: f.column, value: (_w, v) => partsOf(v[el.name])?.[f.name] ?? null });
        }
        break;
      case 'computed':
      case 'through':
      case 'secret':
      case 'collection':
      case 'children':
        break;
      default:
        assertNever(el);
    }
  }
  if (owner !== undefined && !ownerFilled) throw new Error(`Worker seeder: ${def.name} has no owner reference '${owner}'`);
  // The first row's values are checked against the catalogue too: a composite part the
  // generator names but the element does not have would otherwise vanish silently.
  let checked = false;
  const check = (v: Values): void => {
    for (const [name, value] of Object.entries(v)) {
      const el = def.elements.find((e) => e.name === name);
      if (el === undefined || generator.fields[name] === undefined) {
        throw new Error(`Worker seeder fills '${name}', not declared for ${def.name}`);
      }
      const parts = partsOf(value);
      if (el.kind === 'composite' && parts) {
        const unknown = Object.keys(parts).filter((p) => !el.fields.some((f) => f.name === p));
        if (unknown.length > 0) {
          throw new Error(`Worker seeder fills unknown parts of ${def.name}.${name}: ${unknown.join(', ')}`);
        }
      }
    }
    checked = true;
  };
  return {
    table: def.table,
    generator,
    columns: columns.map((c) => c.name),
    constants,
    values: (w, v) => {
      if (!checked) check(v);
      const out: DbValue[] = [];
      for (const c of columns) out.push(c.value(w, v));
      return out;
    },
  };
}

function makePlan(store: Store, refs: References): Plan {
  const kids = childFields(refs);
  const children: TablePlan[] = [];
  const ownerIndexes: string[] = [];
  for (const name of Object.keys(kids)) {
    const el = WORKERS.elements.find((e) => e.name === name);
    if (el?.kind !== 'children') {
      throw new Error(`Worker seeder names children element '${name}', which the workers catalogue does not have`);
    }
  }
  for (const el of WORKERS.elements) {
    const gen = el.kind === 'children' ? kids[el.name] : undefined;
    if (el.kind !== 'children' || gen === undefined) continue;
    const { child, owner } = ownedBy(el);
    children.push(tablePlan(store, child, gen, owner.name));
    // Named as createResourceIndexes names an index on a reference: `<table>_<column>`.
    ownerIndexes.push(`${child.table}_${owner.column}`);
  }
  return { workers: tablePlan(store, WORKERS, workerFields(refs)), children, ownerIndexes };
}

// --- Reference data --------------------------------------------------------------------------

/** Rows of a reference table by id order, with their natural key (`code`, `name`). */
async function keyedRows(store: Store, name: string): Promise<Array<{ id: number; key: string; row: Record<string, unknown> }>> {
  const def = resourceNamed(name);
  const key = def.elements.find((e): e is ScalarElement => e.kind === 'scalar' && e.name === def.key);
  if (!key) throw new Error(`${name} has no key element ${def.key}`);
  const rows = await store.db.selectFrom(def.table).selectAll().orderBy('id').execute();
  return rows.map((row) => ({ id: Number(row['id']), key: String(row[key.column]), row }));
}

async function loadReferences(store: Store): Promise<References> {
  const suppliers = resourceNamed('suppliers');
  const status = suppliers.elements.find((e): e is ScalarElement => e.kind === 'scalar' && e.name === 'status');
  if (!status) throw new Error("Worker seeder reads suppliers' 'status', which the suppliers catalogue does not have");
  const countryIds = new Map((await keyedRows(store, 'countries')).map((r) => [r.key, r.id]));
  const countries: Country[] = [];
  for (const r of REGIONS) {
    const id = countryIds.get(r.code);
    if (id !== undefined) for (let i = 0; i < r.weight; i++) countries.push({ region: r, id });
  }
  const purposes = await keyedRows(store, 'worker_address_purposes');
  return {
    suppliers: (await keyedRows(store, 'suppliers')).filter((r) => r.row[status.column] === 'active').map((r) => r.id),
    countries,
    skills: (await keyedRows(store, 'skills')).map((r) => r.id),
    purposes: purposes.map((r) => r.id),
    homePurpose: purposes.find((r) => r.key === 'Home')?.id,
    identifierTypes: new Map((await keyedRows(store, 'identifier_types')).map((r) => [r.key, r.id])),
  };
}

// --- Loading ---------------------------------------------------------------------------------

interface Counts {
  inserted: number;
  readonly children: Record<string, number>;
  firstId: number | null;
  lastId: number | null;
}

/** Child rows per SQLite statement: narrower rows than a worker's, so more of them. */
const SQLITE_CHILD_ROWS_PER_STATEMENT = 128;

/** better-sqlite3: per batch one IMMEDIATE transaction, each statement of workers followed by their children's. */
function seedSqlite(
  db: Sqlite.Database,
  plan: Plan,
  maker: WorkerMaker,
  counts: Counts,
  total: number,
  batchSize: number,
  onProgress: (n: number) => void,
): void {
  const { rnd } = maker;
  const workers = new SqliteAppender(db, plan.workers.table, plan.workers.columns, {
    constants: plan.workers.constants,
    orFail: true,
  });
  const children = plan.children.map((c) => ({
    plan: c,
    out: new SqliteAppender(db, c.table, c.columns, {
      constants: c.constants,
      rowsPerStatement: SQLITE_CHILD_ROWS_PER_STATEMENT,
      orFail: true,
    }),
  }));
  const nextId = sqliteNextId(db, plan.workers.table);
  const batch = db.transaction((count: number) => {
    const base = nextId() - 1;
    counts.firstId ??= base + 1;
    for (let i = 1; i <= count; i++) {
      const w = maker.make(base + i);
      plan.workers.generator.make(w, rnd, (v) => workers.add(plan.workers.values(w, v)));
      for (const c of children) c.plan.generator.make(w, rnd, (v) => c.out.add(c.plan.values(w, v)));
      if (workers.pending >= SQLITE_ROWS_PER_STATEMENT || i === count) {
        workers.write(true);
        // Children after their workers, so every row names rows already there, as checked foreign keys would require.
        for (const c of children) c.out.write(i === count);
      }
    }
    counts.lastId = base + count;
  });

  withoutForeignKeyChecks(db, () =>
    withLargeCache(db, () => {
      while (counts.inserted < total) {
        const count = Math.min(batchSize, total - counts.inserted);
        batch.immediate(count);
        counts.inserted += count;
        onProgress(counts.inserted);
      }
    }),
  );
  for (const c of children) counts.children[c.plan.table] = c.out.written;
  // Children are read by one worker id at a time, which gains nothing from samples (see analyzeSqlite).
  analyzeSqlite(db, [plan.workers.table, ...plan.children.map((c) => c.table)], plan.ownerIndexes);
}

/** PostgreSQL: per batch one transaction, COPY of the workers (ids reserved from their sequence), then of each child table. */
async function seedPostgres(
  pool: pg.Pool,
  plan: Plan,
  maker: WorkerMaker,
  counts: Counts,
  total: number,
  batchSize: number,
  onProgress: (n: number) => void,
): Promise<void> {
  const { rnd } = maker;
  const all = (t: TablePlan): string[] => [...t.columns, ...t.constants.map((c) => c.name)];
  const workerSuffix = copySuffix(plan.workers.constants);
  const childSuffixes = plan.children.map((c) => copySuffix(c.constants));
  const client = await pool.connect();
  try {
    const batches = new PgBatches(client);
    while (counts.inserted < total) {
      const count = Math.min(batchSize, total - counts.inserted);
      await batches.run(async () => {
        const reserved = await reserveIds(client, plan.workers.table, count);
        counts.firstId ??= reserved[0] ?? null;
        counts.lastId = reserved.at(-1) ?? counts.lastId;
        const chunks = plan.children.map(() => new CopyChunks());
        function* workers(): Generator<string> {
          let text = '';
          for (const id of reserved) {
            const w = maker.make(id);
            plan.workers.generator.make(w, rnd, (v) => (text += copyLine(plan.workers.values(w, v), workerSuffix)));
            plan.children.forEach((c, k) => {
              c.generator.make(w, rnd, (v) => chunks[k]?.add(c.values(w, v), childSuffixes[k]));
            });
            if (text.length >= COPY_CHUNK) {
              yield text;
              text = '';
            }
          }
          if (text !== '') yield text;
        }
        await copyInto(client, plan.workers.table, all(plan.workers), workers());
        // A child's id is left to its column default (the table's sequence).
        for (const [k, c] of plan.children.entries()) {
          const rows = chunks[k] as CopyChunks;
          await copyInto(client, c.table, all(c), rows.take());
          counts.children[c.table] = (counts.children[c.table] ?? 0) + rows.rows;
        }
      });
      counts.inserted += count;
      onProgress(counts.inserted);
    }
    // Fresh statistics, so the planner uses the new rows at once rather than after autovacuum.
    await client.query(`analyze ${[plan.workers, ...plan.children].map((t) => quoteIdent(t.table)).join(', ')}`);
  } finally {
    client.release();
  }
}

/** Appends `options.workers` generated workers (and their children) to a migrated store. */
export async function seedWorkers(store: Store, options: WorkerSeedOptions): Promise<WorkerSeedResult> {
  const started = performance.now();
  const total = options.workers;
  if (!Number.isSafeInteger(total) || total < 0) throw new Error(`workers must be a non-negative integer, got ${total}`);
  const batchSize = options.batchSize ?? 50_000;
  const rnd = mulberry32(options.randomSeed ?? Date.now());
  const refs = await loadReferences(store);
  const plan = makePlan(store, refs);
  const maker = new WorkerMaker(refs, rnd, Date.parse(store.clock.iso()));
  const onProgress = options.onProgress ?? (() => undefined);
  const counts: Counts = {
    inserted: 0,
    children: Object.fromEntries(plan.children.map((c) => [c.table, 0])),
    firstId: null,
    lastId: null,
  };
  // Bulk loading goes through the driver's own handle, as for users.
  if (store.sqlite) seedSqlite(store.sqlite, plan, maker, counts, total, batchSize, onProgress);
  else if (store.pool) await seedPostgres(store.pool, plan, maker, counts, total, batchSize, onProgress);
  else throw new Error('Seeding needs the store opened by openStore (raw handle missing)');
  return {
    inserted: counts.inserted,
    children: counts.children,
    firstId: counts.firstId,
    lastId: counts.lastId,
    elapsedMs: performance.now() - started,
  };
}
