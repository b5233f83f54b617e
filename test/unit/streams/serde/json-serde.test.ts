import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../core/index.js';
import { Serdes, SerdeError } from '../../../../streams/serde/index.js';
import { fcSeed } from '../../../helpers/fc-seed.js';

const seed = fcSeed('json serde');
const ctx = { topic: 'orders' };

interface Order {
  id: number;
  item: string;
  lines?: { sku: string; qty: number }[];
}

const orderSchema = {
  type: 'object',
  required: ['id', 'item'],
  properties: {
    id: { type: 'integer' },
    item: { type: 'string' },
    lines: {
      type: 'array',
      items: {
        type: 'object',
        required: ['sku', 'qty'],
        properties: { sku: { type: 'string' }, qty: { type: 'integer', minimum: 1 } },
      },
    },
  },
};

function serdeError(fn: () => unknown): SerdeError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SerdeError);
    return err as SerdeError;
  }
  throw new Error('expected a SerdeError');
}

describe('json serde without a schema', () => {
  it('writes JSON.stringify as UTF-8', () => {
    const bytes = Serdes.json<{ name: string }>().serialize({ name: 'ünï' }, ctx);
    expect(bytes).toEqual(Buffer.from('{"name":"ünï"}', 'utf8'));
  });

  it('round-trips every JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        if (value === null) return; // a null value is refused; see the nullable tests
        const serde = Serdes.json();
        // JSON has no -0: compare with what JSON itself gives back.
        expect(serde.deserialize(serde.serialize(value, ctx), ctx)).toStrictEqual(
          JSON.parse(JSON.stringify(value)),
        );
      }),
      { seed, numRuns: 300 },
    );
  });

  it('reads the bytes `null` as null but refuses a null value and null bytes', () => {
    expect(Serdes.json().deserialize(Buffer.from('null'), ctx)).toBeNull();
    expect(serdeError(() => Serdes.json().serialize(null, ctx)).reason).toContain(
      'Serdes.nullable(Serdes.json())',
    );
    expect(serdeError(() => Serdes.json().deserialize(null, ctx)).reason).toContain('null bytes');
  });

  it.each(['{"id":', '', 'undefined', "{'a':1}", '{"a":1} x'])(
    'refuses invalid JSON %j',
    (text) => {
      const err = serdeError(() => Serdes.json().deserialize(Buffer.from(text), ctx));
      expect(err.message).toMatch(/^json, topic 'orders': invalid JSON \(\d+ bytes\): /);
      expect(err.cause).toBeInstanceOf(SyntaxError);
    },
  );

  it('refuses bytes that are not UTF-8', () => {
    const err = serdeError(() => Serdes.json().deserialize(Buffer.from([0x22, 0xff, 0x22]), ctx));
    expect(err.reason).toBe('invalid JSON: not valid UTF-8');
  });

  it('skips a UTF-8 byte-order mark', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[1]')]);
    expect(Serdes.json().deserialize(bytes, ctx)).toEqual([1]);
  });

  it('refuses values with no JSON form', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(serdeError(() => Serdes.json().serialize({ n: 1n }, ctx)).reason).toMatch(
      /^value has no JSON form: .*BigInt/,
    );
    expect(serdeError(() => Serdes.json().serialize(cyclic, ctx)).reason).toMatch(
      /^value has no JSON form: .*circular/,
    );
    expect(serdeError(() => Serdes.json().serialize(() => 1, ctx)).reason).toBe(
      'value has no JSON form: function',
    );
    expect(serdeError(() => Serdes.json().serialize(undefined, ctx)).reason).toBe(
      'undefined value',
    );
  });
});

describe('json serde with a schema', () => {
  const orders = Serdes.json<Order>({ schema: orderSchema });

  it('round-trips values the schema accepts', () => {
    const order: Order = { id: 7, item: 'tea', lines: [{ sku: 'T-1', qty: 2 }] };
    expect(orders.deserialize(orders.serialize(order, ctx), ctx)).toEqual(order);
  });

  it('refuses to write a value that violates the schema, naming the missing field', () => {
    const err = serdeError(() => orders.serialize({ id: 7 } as Order, ctx));
    expect(err.message).toBe(
      "json, topic 'orders': schema violation: / must have required property 'item'",
    );
    expect(err.retriable).toBe(false);
  });

  it('refuses to read bytes that violate the schema, naming the path of the bad field', () => {
    const bytes = Buffer.from('{"id":1,"item":"tea","lines":[{"sku":"T-1","qty":0}]}');
    expect(serdeError(() => orders.deserialize(bytes, ctx)).reason).toBe(
      'schema violation: /lines/0/qty must be >= 1',
    );
  });

  it('validates the value as it will be read back, after toJSON', () => {
    const stamped = Serdes.json<{ at: Date }>({
      schema: { type: 'object', properties: { at: { type: 'string' } } },
    });
    const at = new Date(0);
    expect(stamped.serialize({ at }, ctx)!.toString()).toBe(`{"at":"${at.toISOString()}"}`);
  });

  it('lists every error an allErrors ajv reports', () => {
    const ajv = new Ajv({ allErrors: true });
    const strict = Serdes.json<Order>({ schema: orderSchema, ajv });
    const err = serdeError(() => strict.deserialize(Buffer.from('{"id":"x"}'), ctx));
    expect(err.reason).toBe(
      "schema violation: / must have required property 'item'; /id must be integer",
    );
  });

  it('caps the listed errors at ten', () => {
    const ajv = new Ajv({ allErrors: true });
    const numbers = Serdes.json<number[]>({
      schema: { type: 'array', items: { type: 'number' } },
      ajv,
    });
    const err = serdeError(() =>
      numbers.deserialize(Buffer.from(JSON.stringify(Array(15).fill('x'))), ctx),
    );
    expect(err.reason).toMatch(/\/9 must be number; and 5 more$/);
    expect(err.reason.split(';')).toHaveLength(11);
  });

  it('compiles the schema once, when the serde is made', () => {
    const ajv = new Ajv();
    let compiles = 0;
    const counting = {
      compile: ((schema: object) => {
        compiles += 1;
        return ajv.compile(schema);
      }) as Ajv['compile'],
    };
    const serde = Serdes.json<Order>({ schema: orderSchema, ajv: counting });
    for (let i = 0; i < 5; i += 1) {
      serde.deserialize(serde.serialize({ id: i, item: 'x' }, ctx), ctx);
    }
    expect(compiles).toBe(1);
  });

  it('throws ConfigError for a schema ajv rejects', () => {
    expect(() => Serdes.json({ schema: { type: 'nope' } })).toThrow(ConfigError);
  });
});
