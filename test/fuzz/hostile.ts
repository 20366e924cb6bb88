import fc from 'fast-check';

/** One operation of the OpenAPI document, as the fuzzer sees it. */
export interface FuzzOperation {
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
  bodySchema?: unknown;
}

/** A generated request: who sends it, the URL with its path and query, headers and raw body. */
export interface FuzzRequest {
  user: string | null | 'FORGED';
  forgedAuthorization: string;
  url: string;
  headers: Record<string, string>;
  contentType?: string;
  body?: string;
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

/** Strings an attacker or a broken client sends. */
const NASTY_STRINGS = [
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  "' OR '1'='1' --",
  "'; DROP TABLE cases; --",
  '1; SELECT pg_sleep(10)',
  '../../../../etc/passwd',
  '..%2f..%2f..%2fetc%2fpasswd',
  '%00',
  '\u0000',
  '\u0000\u0001\u0002\u001f\u007f',
  '\r\nSet-Cookie: x=1',
  '\u202e\u202d gnirts',
  '\ud83d\ude00\ud83c\uddef\ud83c\uddf5',
  '\ud800',
  'ＡＣＭＥ　株式会社',
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/x}',
  '{{7*7}}',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '9999999999999999999999',
  '0x1F',
  'true',
  'infinity',
  '2026-02-30',
  '9999-12-31T24:00:00Z',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '123e4567-e89b-12d3-a456-42661417400',
  '123e4567-e89b-12d3-a456-4266141740000',
  'not-a-uuid',
  'x'.repeat(5000),
];

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 200_000 }).map((n) => 'é'.repeat(n)) },
);

const nastyScalar: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.constantFrom(null, true, false, 0, -1, 1.5, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e308),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, deep or wide, with prototype-pollution keys mixed into the objects. */
export const nastyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyScalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'isAdmin', 'role'),
        fc.string({ maxLength: 8 }),
      ),
      tie('value'),
      {
        maxKeys: 4,
      },
    ),
  ),
})).value;

function schemaTypes(s: JsonSchema): string[] {
  if (s.anyOf || s.oneOf) return (s.anyOf ?? s.oneOf ?? []).flatMap(schemaTypes);
  return Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
}

/**
 * A value shaped by the schema but wrong in places: right keys with wrong types, valid enum
 * values next to hostile strings, missing required fields, extra fields.
 */
function nearlyValid(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 4) return nastyScalar;
  const options: fc.Arbitrary<unknown>[] = [nastyScalar];
  if (schema.enum && schema.enum.length > 0) options.push(fc.constantFrom(...schema.enum));
  for (const type of schemaTypes(schema)) {
    if (type === 'string') options.push(nastyString, fc.string({ minLength: 1, maxLength: 30 }));
    if (type === 'integer' || type === 'number') options.push(fc.integer({ min: -5, max: 1_000_000 }));
    if (type === 'boolean') options.push(fc.boolean());
    if (type === 'array' && schema.items)
      options.push(fc.array(nearlyValid(schema.items, depth + 1), { maxLength: 3 }));
    if (type === 'object' && schema.properties) {
      const props = Object.fromEntries(
        Object.entries(schema.properties).map(([k, v]) => [k, nearlyValid(v, depth + 1)]),
      );
      options.push(
        fc
          .tuple(
            fc.record(props, { requiredKeys: [] }),
            fc.dictionary(fc.string({ maxLength: 10 }), nastyScalar, { maxKeys: 2 }),
          )
          .map(([known, extra]) => ({ ...extra, ...known })),
      );
    }
  }
  return fc.oneof(...options);
}

/** Serialises a value, sometimes smuggling a prototype-pollution key in as an own JSON key. */
function serialise(value: unknown, pollute: boolean): string {
  const text = JSON.stringify(value) ?? 'null';
  if (!pollute || !text.startsWith('{')) return text;
  const injected =
    '"__proto__":{"polluted":true,"isAdmin":true},"constructor":{"prototype":{"polluted":true}}';
  return text === '{}' ? `{${injected}}` : `{${injected},${text.slice(1)}`;
}

/** Bodies that are not JSON at all, or JSON a parser struggles with. */
const brokenBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '{',
    '{"a":',
    '{"a":1,}',
    "{'a':1}",
    'NaN',
    '[1,2',
    '\u0000',
    '',
    'null',
    '"just a string"',
    '<xml/>',
    'a=1&b=2',
  ),
  fc.integer({ min: 100, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.integer({ min: 100, max: 5_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
  fc.constant(`{"big":"${'A'.repeat(1_100_000)}"}`),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

// Mostly JSON, so most bodies get past the media-type check to validation.
const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/json',
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/merge-patch+json',
  'application/json; charset=utf-16',
  'text/plain',
  'text/csv',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/octet-stream',
  '',
  'garbage',
];

/** Idempotency keys and other headers clients get wrong (ByteString-safe, or fetch refuses them). */
const nastyHeaders: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    'idempotency-key': fc.oneof(
      fc.constantFrom(
        '',
        ' ',
        'has space',
        'é',
        'k'.repeat(201),
        'k'.repeat(200),
        '"quoted"',
        "'; DROP TABLE idempotency_keys; --",
        '__proto__',
      ),
      fc.string({ minLength: 1, maxLength: 30 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
    ),
    accept: fc.constantFrom('application/xml', '*/*', 'text/html', 'application/problem+json'),
    'x-forwarded-for': fc.constantFrom('127.0.0.1', '10.0.0.1, 8.8.8.8'),
    'x-user': fc.constantFrom('sam@regulator.example', 'admin'),
  },
  { requiredKeys: [] },
);

/** Forged or broken Authorization headers (alg none, tampered, other schemes). */
const forgedAuthorization = fc.constantFrom(
  'Bearer not.a.token',
  'Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJzYW1AcmVndWxhdG9yLmV4YW1wbGUifQ.',
  'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzYW1AcmVndWxhdG9yLmV4YW1wbGUiLCJleHAiOjQxMDI0NDQ4MDB9.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  'Basic YWRtaW46YWRtaW4=',
  'Bearer',
  'Bearer  ',
  `Bearer ${'a'.repeat(9000)}`,
);

const LIST_QUERY_NAMES = [
  'status',
  'stage',
  'queue',
  'assignee',
  'overdue',
  'escalated',
  'pendingApproval',
  'sort',
  'cursor',
  'limit',
  'since',
  'fromSequence',
];

/** Percent-encodes every byte; lone surrogates go out as U+FFFD, as a browser would send them. */
function enc(s: string): string {
  return [...Buffer.from(s, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

/** Already-encoded segments a URL decoder chokes on (bad escapes, overlong and surrogate UTF-8). */
const RAW_SEGMENTS = ['%', '%zz', '%C0%AF', '%ED%A0%80', '%FF%FE', '..%2F..%2Fhealth', '%2e%2e', '%00'];

function query(names: string[]): fc.Arbitrary<string> {
  const key = fc.oneof(
    fc.constantFrom(
      ...names,
      ...LIST_QUERY_NAMES,
      '__proto__',
      'constructor[prototype][polluted]',
      'a[b][c]',
      'limit[]',
    ),
    fc.string({ maxLength: 6 }),
  );
  const value = fc.oneof(
    { weight: 12, arbitrary: nastyString.filter((v) => v.length < 2000) },
    { weight: 1, arbitrary: fc.constant('q'.repeat(20_000)) }, // over the header limit: 431
    {
      weight: 6,
      arbitrary: fc.constantFrom(
        'true',
        'false',
        'deadline',
        '-created',
        '0',
        '201',
        '-1',
        '25',
        'IN_CONSULTATION',
        'SEMICONDUCTORS',
      ),
    },
  );
  return fc
    .array(fc.tuple(key, value), { maxLength: 5 })
    .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}` : ''));
}

function pathSegment(realIds: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...realIds) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.constantFrom(...realIds).map((id) => id.toUpperCase()) },
    {
      weight: 3,
      arbitrary: nastyString.filter((s) => s.length < 3000).map((s) => (s === '' ? '%20' : enc(s))),
    },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
  );
}

/** A hostile request for one operation: every part may be wrong, and several at once. */
export function hostileRequest(
  op: FuzzOperation,
  ctx: { users: string[]; realIds: string[] },
): fc.Arbitrary<FuzzRequest> {
  const params = fc.tuple(...op.pathParams.map(() => pathSegment(ctx.realIds)));
  const body = fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(op.bodySchema ? nearlyValid(op.bodySchema as JsonSchema) : nastyJson, fc.boolean())
        .map(([v, p]) => serialise(v, p)),
    },
    { weight: 2, arbitrary: fc.tuple(nastyJson, fc.boolean()).map(([v, p]) => serialise(v, p)) },
    { weight: 2, arbitrary: brokenBody },
  );
  return fc
    .record({
      user: fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom<string | null>(...ctx.users) },
        { weight: 1, arbitrary: fc.constantFrom<null | 'FORGED'>(null, 'FORGED') },
      ),
      forgedAuthorization,
      params,
      query: query(op.queryParams),
      headers: nastyHeaders,
      contentType: fc.constantFrom(...CONTENT_TYPES),
      body: fc.option(body, { freq: 8 }),
    })
    .map(({ params: values, query: q, body: b, ...rest }) => {
      let i = 0;
      const path = op.path.replace(/\{[^}]+\}/g, () => values[i++]!);
      return {
        ...rest,
        url: `${path}${q}`,
        body: b ?? undefined,
        contentType: rest.contentType || undefined,
      };
    });
}
