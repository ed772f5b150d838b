import type { InjectOptions } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../src/domain/errors.js';
import {
  ACCEPT_JSON,
  createUser,
  dbSnapshot,
  expectError,
  isWellFormedXml,
  parseXmlErrors,
  showUser,
  XML_TYPE,
} from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { JSON_IO, makeTestApp, userXml, validUser, XML, type TestApp } from './helpers/test-app.js';

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<user><login>lol_1</login><email>lol@example.com</email><firstname>&lol3;</firstname><lastname>L</lastname></user>`;

const XXE = `<?xml version="1.0"?>
<!DOCTYPE user [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<user><login>xxe_1</login><email>xxe@example.com</email><firstname>&xxe;</firstname><lastname>L</lastname></user>`;

const DOCTYPE_REFUSED = 'Malformed XML: DOCTYPE and ENTITY declarations are not allowed';

interface BadCase {
  readonly name: string;
  readonly request: InjectOptions;
  readonly code: keyof typeof ERROR_CATALOG;
  readonly messages: ReadonlyArray<string | RegExp>;
}

/** Bodies that must be refused before anything is stored, on create (POST) and update (PUT). */
function badBodies(method: 'POST' | 'PUT', url: string): BadCase[] {
  const post = (headers: Record<string, string>, payload: string | Buffer): InjectOptions => ({ method, url, headers, payload });
  return [
    {
      name: 'unclosed XML',
      request: post(XML, '<user><login>x_1</login>'),
      code: 'malformed_body',
      messages: [/^Malformed XML: .+/],
    },
    {
      name: 'mismatched XML tags',
      request: post(XML, '<user><login>x_1</lastname></user>'),
      code: 'malformed_body',
      messages: [/^Malformed XML: .+/],
    },
    { name: 'text that is not XML', request: post(XML, 'login=x_1'), code: 'malformed_body', messages: [/^Malformed XML: .+/] },
    { name: 'empty XML body', request: post(XML, ''), code: 'malformed_body', messages: [/^Malformed XML: .+/] },
    {
      name: 'billion laughs (DOCTYPE + ENTITY)',
      request: post(XML, BILLION_LAUGHS),
      code: 'malformed_body',
      messages: [DOCTYPE_REFUSED],
    },
    { name: 'external entity (XXE)', request: post(XML, XXE), code: 'malformed_body', messages: [DOCTYPE_REFUSED] },
    {
      name: 'a bare DOCTYPE',
      request: post(XML, `<!DOCTYPE user>${userXml(validUser('dt')).replace(/^<\?xml[^>]*\?>/, '')}`),
      code: 'malformed_body',
      messages: [DOCTYPE_REFUSED],
    },
    {
      name: 'wrong XML root element',
      request: post(XML, '<account><login>x_1</login></account>'),
      code: 'malformed_body',
      messages: ['Malformed XML: expected a <user> root element, got <account>'],
    },
    {
      name: 'a <users> list instead of a <user>',
      request: post(XML, `<users type="array">${userXml(validUser('l')).replace(/^<\?xml[^>]*\?>/, '')}</users>`),
      code: 'malformed_body',
      messages: ['Malformed XML: expected a <user> root element, got <users>'],
    },
    {
      name: 'two different XML root elements',
      request: post(XML, '<user><login>x_1</login></user><account></account>'),
      code: 'malformed_body',
      messages: [/^Malformed XML: .+/],
    },
    {
      name: 'two <user> root elements',
      request: post(XML, `${userXml(validUser('r1'))}${userXml(validUser('r2')).replace(/^<\?xml[^>]*\?>/, '')}`),
      code: 'malformed_body',
      messages: [/^Malformed XML: .+/],
    },
    {
      name: 'XML nested deeper than the parser allows',
      request: post(XML, userXml({ ...validUser('deep'), 'sso-identifier': '<a>'.repeat(200) + '</a>'.repeat(200) })),
      code: 'malformed_body',
      messages: [/^Malformed XML: .+/],
    },
    {
      name: 'malformed JSON',
      request: post(JSON_IO, '{"login": "x_1",'),
      code: 'malformed_body',
      messages: [/^Malformed JSON: .+/],
    },
    {
      name: 'JSON with a trailing comma',
      request: post(JSON_IO, '{"login": "x_1",}'),
      code: 'malformed_body',
      messages: [/^Malformed JSON: .+/],
    },
    {
      name: 'empty JSON body',
      request: post(JSON_IO, ''),
      code: 'malformed_body',
      messages: ['Malformed JSON: the body is empty'],
    },
    {
      name: 'JSON array body',
      request: post(JSON_IO, JSON.stringify([validUser('a1')])),
      code: 'malformed_body',
      messages: ['Malformed JSON: expected a user object'],
    },
    {
      name: 'JSON string body',
      request: post(JSON_IO, '"user"'),
      code: 'malformed_body',
      messages: ['Malformed JSON: expected a user object'],
    },
    {
      name: 'JSON number body',
      request: post(JSON_IO, '42'),
      code: 'malformed_body',
      messages: ['Malformed JSON: expected a user object'],
    },
    {
      name: 'JSON with a __proto__ key',
      request: post(
        JSON_IO,
        `{"__proto__": {"admin": true}, "login": "p_1", "email": "p@example.com", "firstname": "a", "lastname": "b"}`,
      ),
      code: 'malformed_body',
      messages: [/^Malformed JSON: .+/],
    },
    {
      name: 'text/plain body',
      request: post({ 'content-type': 'text/plain' }, 'login=x_1'),
      code: 'unsupported_media_type',
      messages: ["Unsupported Content-Type 'text/plain': send application/xml or application/json"],
    },
    {
      name: 'form-encoded body',
      request: post({ 'content-type': 'application/x-www-form-urlencoded' }, 'login=x_1'),
      code: 'unsupported_media_type',
      messages: ["Unsupported Content-Type 'application/x-www-form-urlencoded': send application/xml or application/json"],
    },
    {
      name: 'octet-stream body',
      request: post({ 'content-type': 'application/octet-stream' }, 'x'),
      code: 'unsupported_media_type',
      messages: ["Unsupported Content-Type 'application/octet-stream': send application/xml or application/json"],
    },
    {
      name: 'multipart body (only the avatar endpoint takes multipart)',
      request: post(
        { 'content-type': 'multipart/form-data; boundary=XyZ' },
        '--XyZ\r\nContent-Disposition: form-data; name="login"\r\n\r\nx_1\r\n--XyZ--\r\n',
      ),
      code: 'unsupported_media_type',
      messages: ["Unsupported Content-Type 'multipart/form-data; boundary=XyZ': send application/xml or application/json"],
    },
  ];
}

/** Well-formed documents whose values do not fit: 400 validation_failed with the exact message. */
const BAD_VALUES: ReadonlyArray<[string, Record<string, unknown>, string]> = [
  ['a collection that is not a list', { roles: 'Buyer' }, 'Roles must be a list'],
  ['a collection member that is neither id nor object', { roles: [true] }, 'Roles must be an object naming a row by id or name'],
  ['a collection member id that is a fraction', { roles: [2.5] }, 'Roles id is not a positive integer'],
  ['a collection member naming nothing', { roles: [{ colour: 'red' }] }, 'Roles must name a row by id or name'],
  ['a reference given as a list', { department: [] }, 'Department must be an object naming a row by id or name'],
  ['a reference naming nothing', { department: { colour: 'red' } }, 'Department must name a row by id or name'],
  ['a reference with a non-numeric id', { department: { id: 'abc' } }, 'Department id is not an integer'],
  ['a reference with a negative id', { department: -1 }, 'Department id is not a positive integer'],
  ['a reference with a 25-digit id', { department: { id: '1000000000000000000000000' } }, 'Department id is not an integer'],
  ['a phone number given as a list', { 'phone-work': [1] }, 'Phone work must be a phone number or an object of its parts'],
  ['a password that is not text', { password: 5 }, 'Password must be text'],
];

for (const dialect of DIALECTS) {
  describe(`bad input on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
      await createUser(t, { ...validUser('existing'), roles: [{ name: 'Buyer' }] });
    });
    afterEach(async () => {
      await t.close();
    });

    for (const method of ['POST', 'PUT'] as const) {
      describe(`${method} bodies are refused with the right code, never 500, and nothing is written`, () => {
        for (const bad of badBodies(method, method === 'POST' ? '/api/users' : '/api/users/1')) {
          it(bad.name, async () => {
            const before = await dbSnapshot(t.store);
            const res = await t.request(bad.request);
            expectError(res, bad.code, bad.messages);
            expect(await dbSnapshot(t.store)).toEqual(before);
          });
        }
      });
    }

    describe('values of the wrong shape are refused as validation failures', () => {
      for (const [name, change, message] of BAD_VALUES) {
        it(name, async () => {
          const before = await dbSnapshot(t.store);
          const res = await t.request({
            method: 'POST',
            url: '/api/users',
            headers: JSON_IO,
            payload: { ...validUser(), ...change },
          });
          expectError(res, 'validation_failed', [message]);
          expect(await dbSnapshot(t.store)).toEqual(before);
        });
      }
    });

    it('refuses a JSON list nested 5000 deep for a string as a validation failure, not a crash', async () => {
      const body = JSON.stringify(validUser()).replace(/}$/, `,"sso-identifier":${'['.repeat(5000)}${']'.repeat(5000)}}`);
      const res = await t.request({ method: 'POST', url: '/api/users', headers: JSON_IO, payload: body });
      expectError(res, 'validation_failed', ['Sso identifier must be a single value, not a list or an object']);
    });

    it('refuses a POST with neither body nor content type', async () => {
      const res = await t.request({ method: 'POST', url: '/api/users' });
      expectError(res, 'malformed_body', ['The request body is empty']);
    });

    it('refuses an XML element named __proto__ as malformed (400, not 500) without polluting anything', async () => {
      const before = await dbSnapshot(t.store);
      const res = await t.request({
        method: 'POST',
        url: '/api/users',
        headers: XML,
        payload: userXml({ ...validUser(), ['__proto__']: '<admin>true</admin>' }),
      });
      expectError(res, 'malformed_body', [/^Malformed XML: .+/]);
      expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
      expect(await dbSnapshot(t.store)).toEqual(before);
    });

    it('treats a well-formed <user/> update as a no-op', async () => {
      const user = await showUser(t, 1);
      const res = await t.request({ method: 'PUT', url: '/api/users/1', headers: XML, payload: '<user/>' });
      expect(res.statusCode).toBe(200);
      expect(await showUser(t, 1)).toMatchObject({ ...user, 'updated-at': expect.any(String) as unknown });
    });

    describe('oversize bodies', () => {
      let small: TestApp;
      beforeEach(async () => {
        small = await makeTestApp(dialect, { bodyLimit: 1024 });
      });
      afterEach(async () => {
        await small.close();
      });

      it('refuses an XML body over bodyLimit with 413 and stores nothing', async () => {
        const before = await dbSnapshot(small.store);
        const res = await small.request({
          method: 'POST',
          url: '/api/users',
          headers: XML,
          payload: userXml({ ...validUser(), 'business-function': 'x'.repeat(2000) }),
        });
        expectError(res, 'payload_too_large', ['Request body is too large']);
        expect(await dbSnapshot(small.store)).toEqual(before);
      });

      it('refuses a JSON body over bodyLimit with 413 in JSON', async () => {
        const res = await small.request({
          method: 'POST',
          url: '/api/users',
          headers: JSON_IO,
          payload: { ...validUser(), 'business-function': 'x'.repeat(2000) },
        });
        expectError(res, 'payload_too_large', ['Request body is too large']);
        expect(await small.request({ method: 'GET', url: '/api/users', headers: ACCEPT_JSON })).toMatchObject({ body: '[]' });
      });

      it('accepts a body just under the limit', async () => {
        const res = await small.request({ method: 'POST', url: '/api/users', headers: XML, payload: userXml(validUser()) });
        expect(res.statusCode).toBe(201);
      });
    });

    describe('query strings', () => {
      const QUERIES: ReadonlyArray<[string, string, string[]]> = [
        ['an unknown parameter', 'colour=red', ["Unknown query parameter 'colour': users have no such element"]],
        [
          'a collection used as a filter',
          'roles=Buyer',
          ["Query parameter 'roles': roles is an association; name one of its elements, as in roles[id]=…"],
        ],
        [
          'an unknown operator',
          'login[like]=a',
          [
            "Query parameter 'login[like]': 'like' is not an operator (contains, starts_with, ends_with, gt, lt, gt_or_eq, lt_or_eq, not_eq, in, not_in, blank)",
          ],
        ],
        [
          'a path through a plain element',
          'login[name][in]=a',
          ["Query parameter 'login[name][in]': login is not an association"],
        ],
        [
          'an unknown element of an association',
          'department[colour]=red',
          ["Query parameter 'department[colour]': department has no element 'colour'"],
        ],
        [
          'an unknown element two levels down',
          'default-address[country][colour]=red',
          ["Query parameter 'default-address[country][colour]': country has no element 'colour'"],
        ],
        [
          'an unknown part of a phone',
          'phone-work[colour]=1',
          ["Query parameter 'phone-work[colour]': name a part of phone-work (country-code, area-code, number, extension)"],
        ],
        ['a secret', 'password=x', ["Query parameter 'password': 'password' cannot be queried"]],
        ['a computed element', 'fullname=Ada', ["Query parameter 'fullname': 'fullname' cannot be queried"]],
        [
          'a path deeper than four associations',
          'manager[manager][manager][manager][manager][login]=a',
          ["Query parameter 'manager[manager][manager][manager][manager][login]' goes more than 4 associations deep"],
        ],
        [
          'a malformed name',
          'login[=a',
          ["Query parameter 'login[' is malformed: use element[association-element][operator]=value"],
        ],
        [
          'contains on a datetime',
          'updated-at[contains]=2020',
          ["Query parameter 'updated-at[contains]': contains does not apply to datetime elements, only to text elements"],
        ],
        [
          'gt on a boolean',
          'active[gt]=false',
          ["Query parameter 'active[gt]': gt does not apply to boolean elements, only to text, number and date elements"],
        ],
        [
          'blank on a datetime',
          'updated-at[blank]=true',
          ["Query parameter 'updated-at[blank]': blank does not apply to datetime elements, only to every element but dates"],
        ],
        ['a blank flag that is not a boolean', 'email[blank]=maybe', ["Query parameter 'email[blank]' must be true or false"]],
        ['an empty comparison', 'updated-at[gt]=', ["Query parameter 'updated-at[gt]' needs a value"]],
        [
          'an unparsable date in a comparison',
          'updated-at[gt]=last week',
          ["Query parameter 'updated-at[gt]' is not an ISO 8601 date or datetime"],
        ],
        [
          'an impossible date',
          'created-at[gt]=2021-02-29',
          ["Query parameter 'created-at[gt]' is not an ISO 8601 date or datetime"],
        ],
        [
          'an impossible time',
          'created-at[lt]=2021-02-01T25:00:00Z',
          ["Query parameter 'created-at[lt]' is not an ISO 8601 date or datetime"],
        ],
        [
          'an operator straight after an association',
          'department[in]=1,2',
          [
            "Query parameter 'department[in]': department is an association; name one of its elements, as in department[id][in]=…",
          ],
        ],
        ['a hole in an in list', 'id[in]=1,,2', ["Query parameter 'id[in]' must list values separated by commas"]],
        [
          'an unknown status in a list',
          'status[in]=active,gone',
          ["Query parameter 'status[in]' must be one of active, inactive"],
        ],
        [
          'an association without a field',
          'department=Finance',
          ["Query parameter 'department': department is an association; name one of its elements, as in department[id]=…"],
        ],
        [
          'fields that are not JSON',
          'fields=[id',
          ['Query parameter \'fields\' is not valid JSON, e.g. ["id","login",{"roles":["name"]}]'],
        ],
        [
          'fields naming an unknown field',
          'fields=["id","colour"]',
          ["Query parameter 'fields' names an unknown field 'colour'"],
        ],
        [
          'fields nesting into a plain element',
          'fields=[{"login":["x"]}]',
          ["Query parameter 'fields' gives fields of 'login', which has none"],
        ],
        [
          'fields naming an unknown nested field',
          'fields=[{"roles":["colour"]}]',
          ["Query parameter 'fields' names an unknown field 'colour' in roles"],
        ],
        ['fields that are not a list', 'fields={"id":1}', ["Query parameter 'fields' must give a JSON array of names"]],
        [
          'return_object=none on a query',
          'return_object=none',
          ["Query parameter 'return_object' must be limited, shallow on reads"],
        ],
        ['an unknown return_object', 'return_object=deep', ["Query parameter 'return_object' must be limited, shallow on reads"]],
        [
          'return_object and fields together',
          'return_object=limited&fields=["id"]',
          ['Give either return_object or fields, not both'],
        ],
        [
          'a saved filter',
          'filter=my_filter',
          ["Query parameter 'filter' (saved API filters) is not supported; give the conditions as parameters"],
        ],
        ['a negative offset', 'offset=-1', ["Query parameter 'offset' must be a non-negative integer"]],
        ['a non-numeric offset', 'offset=abc', ["Query parameter 'offset' must be a non-negative integer"]],
        ['a fractional limit', 'limit=10.5', ["Query parameter 'limit' must be a non-negative integer"]],
        ['an empty limit', 'limit=', ["Query parameter 'limit' must be a non-negative integer"]],
        ['a repeated parameter', 'login=a&login=b', ["Query parameter 'login' is given more than once"]],
        ['a repeated limit', 'limit=1&limit=2', ["Query parameter 'limit' is given more than once"]],
        ['an unknown status', 'status=gone', ["Query parameter 'status' must be one of active, inactive"]],
        ['an integer too large to be exact', 'id[lt]=9007199254740993', ["Query parameter 'id[lt]' is not an integer"]],
        ['junk for a boolean element', 'active=maybe', ["Query parameter 'active' must be true or false"]],
        [
          'junk for a datetime element',
          'created-at=yesterday',
          ["Query parameter 'created-at' is not an ISO 8601 date or datetime"],
        ],
        ['an unknown order_by', 'order_by=colour', ["Query parameter 'order_by' names no sortable element: 'colour'"]],
        ['an unknown dir', 'order_by=id&dir=up', ["Query parameter 'dir' must be asc or desc"]],
        [
          'several problems at once',
          'colour=red&limit=x&active[contains]=a',
          [
            "Unknown query parameter 'colour': users have no such element",
            "Query parameter 'limit' must be a non-negative integer",
            "Query parameter 'active[contains]': contains does not apply to boolean elements, only to text elements",
          ],
        ],
      ];

      for (const [name, query, messages] of QUERIES) {
        it(`refuses ${name} with 400 invalid_query naming it (XML and JSON)`, async () => {
          expectError(await t.request({ method: 'GET', url: `/api/users?${query}` }), 'invalid_query', messages);
          expectError(
            await t.request({ method: 'GET', url: `/api/users?${query}`, headers: ACCEPT_JSON }),
            'invalid_query',
            messages,
          );
        });
      }

      it('accepts a bare date for a datetime element', async () => {
        const res = await t.request({ method: 'GET', url: '/api/users?created-at=2020-01-01', headers: ACCEPT_JSON });
        expect(res.statusCode).toBe(200);
        expect(res.body).toBe('[]');
      });
    });

    describe('control characters and markup in values', () => {
      const MARKUP = 'Ab <&> "q" \'a\' ]]> \t end';

      it('markup renders escaped as well-formed XML and survives in JSON', async () => {
        const { id } = await createUser(t, { ...validUser(), lastname: 'Lovelace', 'business-function': MARKUP });
        const xml = await t.request({ method: 'GET', url: `/api/users/${id}` });
        expect(xml.headers['content-type']).toBe(XML_TYPE);
        expect(isWellFormedXml(xml.body)).toBe(true);
        expect(xml.body).toContain("<business-function>Ab &lt;&amp;&gt; &quot;q&quot; 'a' ]]&gt; \t end</business-function>");
        const list = await t.request({ method: 'GET', url: '/api/users' });
        expect(isWellFormedXml(list.body)).toBe(true);
        expect((await showUser(t, id))['business-function']).toBe(MARKUP);
      });

      // Characters XML 1.0 cannot carry could never be rendered, and PostgreSQL refuses NUL: refused on both.
      for (const [name, c] of [
        ['U+0001', '\u0001'],
        ['U+0008', '\u0008'],
        ['U+000B', '\u000b'],
        ['U+001F', '\u001f'],
        ['U+FFFE', '\uFFFE'],
        ['U+0000', '\u0000'],
        ['U+D800', '\ud800'],
      ] as const) {
        it(`${name} in a value is refused with a 400 naming the element, and nothing is stored`, async () => {
          const before = await dbSnapshot(t.store);
          const res = await t.request({
            method: 'POST',
            url: '/api/users',
            headers: JSON_IO,
            payload: JSON.stringify({ ...validUser(), 'business-function': `A${c}b` }),
          });
          expectError(res, 'validation_failed', [`Business function contains the character ${name}, which is not allowed`], {
            resource: 'user',
          });
          expect(await dbSnapshot(t.store)).toEqual(before);
        });
      }

      it('keep an error document well-formed when a message quotes them (CDATA split around ]]>)', async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: { 'content-type': 'application/json', accept: 'application/xml' },
          payload: { ...validUser(), roles: [{ name: 'x]]>y<z>' }] },
        });
        expectError(res, 'unknown_reference', ["Roles: no role with name 'x]]>y<z>'"]);
        expect(res.body).toContain("<error><![CDATA[Roles: no role with name 'x]]]]><![CDATA[>y<z>']]></error>");
      });

      it('are accepted in XML bodies as character references', async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: XML,
          payload: userXml({ ...validUser(), lastname: 'Caf&#233; &#x41;&amp;B' }),
        });
        expect(res.statusCode, res.body).toBe(201);
        expect(res.body).toContain('<lastname>Café A&amp;B</lastname>');
      });
    });

    describe('paths', () => {
      for (const path of ['/api/users/1%00', '/api/users/-1', '/api/users/1.5', '/api/users/%20']) {
        it(`answers GET ${path} with 404, not 500`, async () => {
          const res = await t.request({ method: 'GET', url: path });
          expect(res.statusCode).toBe(404);
          expect(res.headers['x-roster-error-code']).toBe('not_found');
          expect(parseXmlErrors(res.body).messages).toEqual([expect.stringMatching(/^Couldn't find User with 'id'=/)]);
        });
      }
    });
  });
}
