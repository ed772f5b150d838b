import { idCodecOf } from '../catalog/ids.js';
import { assertNever, indexCatalog } from '../catalog/lookup.js';
import { resourceNamed } from '../catalog/registry.js';
import type { ResourceDef } from '../catalog/resource.js';
import type { Element, ScalarType, ScalarValue } from '../catalog/types.js';
import type { FieldTree, View } from '../query/view.js';
import type { StoredRecord } from '../store/record-codec.js';
import { formatDatetime } from './out.js';
import { FULL_DEPTH, referenced, shallowKeysOf, type PresentLookups } from './present-record.js';
import { viewKey } from './shown-rows.js';
import type { RecordForm } from './wire-bytes.js';
import { scalarText, TYPE_ATTR, XML_DECLARATION, xmlName } from './xml.js';

/** One record's text in a form and view: what `presentAs` and the form's renderer write, in one pass. */
export type RecordWriter = (r: StoredRecord, lookups: PresentLookups) => string;

/** One field's text inside its object (`"login":"ann"`, `  <login>ann</login>\n`); '' when the format leaves it out. */
type FieldWriter = RecordWriter;

/** What a field keeps of an element's content: everything (undefined), or the named parts (a `fields` subtree). */
type Selection = FieldTree | undefined;

/** The text around an object's fields, and the indentation of those fields (XML). */
interface Wrap {
  readonly open: string;
  readonly close: string;
  readonly inner: string;
}

/**
 * Everything that differs between the wire forms: how a scalar field, an object field and an
 * array field are written at an indentation (`pad`, XML's), and which names the form shows.
 */
interface Syntax {
  /** Between two fields of an object, and between two items of an array. */
  readonly sep: string;
  /** The scalar field `name` holding `v`, of catalogue type `type`. */
  scalar(name: string, type: ScalarType, pad: string): (v: ScalarValue | null) => string;
  /** The field `name` holding an object (`nil` when it holds none). */
  objectField(name: string, pad: string): Wrap & { readonly nil: string };
  /** The field `name` holding an array (`empty` when it has no item), and how each `tag` item is wrapped. */
  arrayField(name: string, pad: string): Wrap & { readonly empty: string; readonly item: (tag: string) => Wrap };
  /** Whether the form shows an element of this name at all (XML leaves out `active?`). */
  shows(name: string): boolean;
}

/** `"name":` for each key, quoted once per compiled field. */
const jsonKey = (name: string): string => `${JSON.stringify(name)}:`;

/** Core Coupa's JSON (render/json.ts): nulls kept, decimals as strings, datetimes to the second. */
const JSON_SYNTAX: Syntax = {
  sep: ',',
  scalar(name, type) {
    const key = jsonKey(name);
    const nil = `${key}null`;
    switch (type) {
      case 'datetime':
        return (v) => (v === null ? nil : key + JSON.stringify(formatDatetime(String(v))));
      case 'decimal':
        return (v) => (v === null ? nil : key + JSON.stringify(String(v)));
      default:
        return (v) => (v === null ? nil : key + JSON.stringify(v));
    }
  },
  objectField: (name) => ({ nil: `${jsonKey(name)}null`, open: `${jsonKey(name)}{`, close: '}', inner: '' }),
  arrayField: (name) => ({
    empty: `${jsonKey(name)}[]`,
    open: `${jsonKey(name)}[`,
    close: ']',
    inner: '',
    item: () => ({ open: '{', close: '}', inner: '' }),
  }),
  shows: () => true,
};

/** CSO's JSON (render/cso-json.ts): a field without a value is left out, 64-bit integers and decimals are strings. */
const CSO_SYNTAX: Syntax = {
  ...JSON_SYNTAX,
  scalar(name, type) {
    const key = jsonKey(name);
    switch (type) {
      case 'datetime':
        return (v) => (v === null ? '' : key + JSON.stringify(formatDatetime(String(v))));
      case 'decimal':
      case 'bigint':
        return (v) => (v === null ? '' : key + JSON.stringify(String(v)));
      default:
        return (v) => (v === null || v === '' ? '' : key + JSON.stringify(v));
    }
  },
  objectField: (name) => ({ ...JSON_SYNTAX.objectField(name, ''), nil: '' }),
};

/** Rails' XML (render/xml.ts): two spaces a level, type attributes, `nil="true"`. */
const XML_SYNTAX: Syntax = {
  sep: '',
  scalar(name, type, pad) {
    const open = `${pad}<${name}${TYPE_ATTR[type] ?? ''}`;
    const nil = `${open} nil="true" />\n`;
    const blank = `${open} />\n`;
    const close = `</${name}>\n`;
    return (v) => (v === null ? nil : v === '' ? blank : `${open}>${scalarText(type, v)}${close}`);
  },
  objectField: (name, pad) => ({
    nil: `${pad}<${name} nil="true" />\n`,
    open: `${pad}<${name}>\n`,
    close: `${pad}</${name}>\n`,
    inner: `${pad}  `,
  }),
  arrayField: (name, pad) => ({
    empty: `${pad}<${name} type="array" />\n`,
    open: `${pad}<${name} type="array">\n`,
    close: `${pad}</${name}>\n`,
    inner: `${pad}  `,
    item: (tag) => ({ open: `${pad}  <${tag}>\n`, close: `${pad}  </${tag}>\n`, inner: `${pad}    ` }),
  }),
  shows: xmlName,
};

/** The fields' texts joined, those left out ('') skipped. */
function joined(fields: readonly FieldWriter[], sep: string): RecordWriter {
  return (r, lookups) => {
    let out = '';
    for (const field of fields) {
      const text = field(r, lookups);
      if (text !== '') out = out === '' ? text : out + sep + text;
    }
    return out;
  };
}

/** The elements `selection` keeps (all when undefined), each with what it keeps of its content. */
function selected<T extends { readonly name: string }>(items: readonly T[], selection: Selection, syntax: Syntax) {
  return items.flatMap((item) => {
    const want = selection === undefined ? true : selection.get(item.name);
    if (want === undefined || !syntax.shows(item.name)) return [];
    return [{ item, sub: want === true ? undefined : want }];
  });
}

/**
 * Compiles one record's writer by walking the definition once, as `presentAs` walks each
 * record: the same elements, depths and selections (render/present-record.ts), written
 * straight to text in `syntax`.
 */
class Compiler {
  constructor(private readonly syntax: Syntax) {}

  /** A record's fields (`presentRecord`): its out elements at depth 0. */
  record(def: ResourceDef, selection: Selection, pad: string): RecordWriter {
    const fields = selected(indexCatalog(def).outElements, selection, this.syntax);
    return joined(
      fields.map(({ item, sub }) => this.element(item, item.name, sub, 0, pad)),
      this.syntax.sep,
    );
  }

  /** A nested row's fields (`presentNested`): the names given, or from `FULL_DEPTH` on its id and natural key. */
  private nested(def: ResourceDef, names: readonly string[], depth: number, selection: Selection, pad: string): RecordWriter {
    const index = indexCatalog(def);
    if (depth >= FULL_DEPTH) {
      const id = this.syntax.scalar('id', idCodecOf(def).type, pad);
      const key = this.syntax.scalar(def.key, index.key.type, pad);
      const parts: Array<{ readonly name: string; readonly write: FieldWriter }> = [
        { name: 'id', write: (r) => id(r.id) },
        { name: def.key, write: (r) => key(r.values.get(def.key) ?? null) },
      ];
      return joined(
        selected(parts, selection, this.syntax).map(({ item }) => item.write),
        this.syntax.sep,
      );
    }
    // A name may be an element's alias: the field carries the name as given.
    const fields = names.flatMap((name) => {
      const el = index.byName.get(name);
      return el ? [{ name, el }] : [];
    });
    return joined(
      selected(fields, selection, this.syntax).map(({ item, sub }) => this.element(item.el, item.name, sub, depth + 1, pad)),
      this.syntax.sep,
    );
  }

  /** One element's field, named `name` (`elementNode`): its value, or the associated rows nested. */
  private element(el: Element, name: string, selection: Selection, depth: number, pad: string): FieldWriter {
    const { syntax } = this;
    switch (el.kind) {
      case 'scalar': {
        const write = syntax.scalar(name, el.type, pad);
        return (r) => write(r.values.get(el.name) ?? null);
      }
      case 'computed': {
        const write = syntax.scalar(name, el.type, pad);
        return (r) => write(el.compute(r.values));
      }
      case 'secret': {
        const nil = syntax.scalar(name, 'string', pad)(null);
        return () => nil;
      }
      case 'composite': {
        const wrap = syntax.objectField(name, pad);
        const parts = selected(el.fields, selection, syntax).map(({ item: f }): FieldWriter => {
          const write = syntax.scalar(f.name, 'string', wrap.inner);
          return (r) => write(r.composites.get(el.name)?.get(f.name) ?? f.blank ?? null);
        });
        const body = joined(parts, syntax.sep);
        return (r, lookups) => (r.composites.get(el.name) ? wrap.open + body(r, lookups) + wrap.close : wrap.nil);
      }
      case 'reference': {
        const target = resourceNamed(el.target);
        const wrap = syntax.objectField(name, pad);
        const body = this.nested(target, el.nested ?? target.simple, depth, selection, wrap.inner);
        return (r, lookups) => {
          const other = referenced(r, el.name, el.target, lookups);
          return other ? wrap.open + body(other, lookups) + wrap.close : wrap.nil;
        };
      }
      case 'through': {
        const write = syntax.scalar(name, el.type, pad);
        if (el.field === 'id') return (r) => write(r.refs.get(el.reference) ?? null);
        return (r, lookups) => write(referenced(r, el.reference, el.target, lookups)?.values.get(el.field) ?? null);
      }
      case 'collection': {
        const target = resourceNamed(el.target);
        const wrap = syntax.arrayField(name, pad);
        const item = wrap.item(target.singular);
        const body = this.nested(target, target.simple, depth, selection, item.inner);
        return (r, lookups) => {
          let out = '';
          let any = false;
          for (const id of r.collections.get(el.membership) ?? []) {
            const row = lookups.record(el.target, id);
            if (!row) continue;
            const text = item.open + body(row, lookups) + item.close;
            out = any ? out + syntax.sep + text : text;
            any = true;
          }
          return any ? wrap.open + out + wrap.close : wrap.empty;
        };
      }
      case 'children': {
        const target = resourceNamed(el.target);
        const wrap = syntax.arrayField(name, pad);
        const item = wrap.item(target.singular);
        const body = this.record(target, selection, item.inner);
        return (r, lookups) => {
          const rows = r.children.get(el.name) ?? [];
          if (rows.length === 0) return wrap.empty;
          let out = '';
          rows.forEach((row, i) => {
            const text = item.open + body(row, lookups) + item.close;
            out = i === 0 ? text : out + syntax.sep + text;
          });
          return wrap.open + out + wrap.close;
        };
      }
      default:
        return assertNever(el);
    }
  }
}

const COMPILERS = { json: new Compiler(JSON_SYNTAX), cso: new Compiler(CSO_SYNTAX), xml: new Compiler(XML_SYNTAX) };

/** What a view keeps at the record's top level (undefined: everything), as `presentAs` picks and projects. */
function selectionOf(def: ResourceDef, view: Exclude<View, { kind: 'none' }>): Selection {
  switch (view.kind) {
    case 'full':
      return undefined;
    case 'limited':
      return new Map([['id', true]]);
    case 'shallow': {
      const keysOf = shallowKeysOf(def);
      return new Map(
        indexCatalog(def).outElements.map((el) => {
          const keys = keysOf.get(el.name);
          return [el.name, keys ? new Map([...keys].map((k) => [k, true] as const)) : true] as const;
        }),
      );
    }
    case 'fields':
      return view.fields;
    default:
      return assertNever(view);
  }
}

function compile(def: ResourceDef, view: Exclude<View, { kind: 'none' }>, form: RecordForm): RecordWriter {
  const selection = selectionOf(def, view);
  const tag = def.singular;
  switch (form) {
    case 'json':
    case 'cso-json': {
      const body = COMPILERS[form === 'json' ? 'json' : 'cso'].record(def, selection, '');
      return (r, lookups) => `{${body(r, lookups)}}`;
    }
    case 'xml': {
      const body = COMPILERS.xml.record(def, selection, '  ');
      const open = `${XML_DECLARATION}<${tag}>\n`;
      const close = `</${tag}>\n`;
      return (r, lookups) => open + body(r, lookups) + close;
    }
    case 'xml-item': {
      const body = COMPILERS.xml.record(def, selection, '    ');
      const open = `  <${tag}>\n`;
      const close = `  </${tag}>\n`;
      return (r, lookups) => open + body(r, lookups) + close;
    }
    default:
      return assertNever(form);
  }
}

/** Compiled writers per definition, by form and view; `fields` views are many, so their share is bounded. */
const writers = new WeakMap<ResourceDef, Map<string, RecordWriter>>();
const MAX_WRITERS = 256;

/**
 * The compiled writer of `def`'s records in `form` and `view` (issue 23, part 1): the text
 * `presentAs` then the form's renderer would give (render/json.ts, xml.ts, cso-json.ts), byte
 * for byte, without building the tree. Compiled on first use from the catalogue; undefined for
 * `return_object=none`. test/response-bytes.test.ts compares the two paths on every resource.
 */
export function recordWriter(def: ResourceDef, view: View, form: RecordForm): RecordWriter | undefined {
  if (view.kind === 'none') return undefined;
  let forDef = writers.get(def);
  if (!forDef) {
    forDef = new Map();
    writers.set(def, forDef);
  }
  const key = `${form}|${viewKey(view)}`;
  let writer = forDef.get(key);
  if (!writer) {
    writer = compile(def, view, form);
    if (forDef.size >= MAX_WRITERS) forDef.clear();
    forDef.set(key, writer);
  }
  return writer;
}
