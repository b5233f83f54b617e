import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../../core/protocol/byte-reader.js';
import { ByteWriter } from '../../../core/protocol/byte-writer.js';
import { decodeMessage, encodeMessage } from '../../../core/protocol/codec.js';
import {
  defineMessage,
  parseVersions,
  type FieldSpec,
  type MessageSpec,
} from '../../../core/protocol/schema.js';
import { AssertionError } from '../../../core/util/assert.js';

function spec(fields: readonly FieldSpec[], flexibleVersions = '1+'): MessageSpec {
  return {
    name: 'Test',
    apiKey: 1000,
    type: 'request',
    validVersions: '0-2',
    flexibleVersions,
    fields,
  };
}

describe('version ranges', () => {
  it('parses the forms Apache writes', () => {
    expect(parseVersions('3+')).toEqual({ min: 3, max: Infinity });
    expect(parseVersions('0-4')).toEqual({ min: 0, max: 4 });
    expect(parseVersions('7')).toEqual({ min: 7, max: 7 });
    const none = parseVersions('none');
    expect(none.min).toBeGreaterThan(none.max);
  });

  it.each(['', '+3', '4-2', 'v1', '1-'])('rejects %j', (text) => {
    expect(() => parseVersions(text)).toThrow(AssertionError);
  });
});

describe('defineMessage checks a declaration once, at load', () => {
  it.each([
    ['an unknown type', [{ name: 'a', type: 'int128', versions: '0+' }]],
    ['a scalar with fields', [{ name: 'a', type: 'int32', versions: '0+', fields: [] }]],
    ['a nullable int', [{ name: 'a', type: 'int32', versions: '0+', nullableVersions: '0+' }]],
    ['a tag without taggedVersions', [{ name: 'a', type: 'int32', versions: '1+', tag: 0 }]],
    [
      'a tag outside the flexible versions',
      [{ name: 'a', type: 'int32', versions: '0+', tag: 0, taggedVersions: '0+' }],
    ],
    [
      'duplicate tags',
      [
        { name: 'a', type: 'int32', versions: '1+', tag: 0, taggedVersions: '1+' },
        { name: 'b', type: 'int32', versions: '1+', tag: 0, taggedVersions: '1+' },
      ],
    ],
    [
      'duplicate names',
      [
        { name: 'a', type: 'int32', versions: '0+' },
        { name: 'a', type: 'int16', versions: '0+' },
      ],
    ],
  ] as const)('rejects %s', (_what, fields) => {
    expect(() => defineMessage(spec(fields))).toThrow(AssertionError);
  });

  it('interprets a declared message at each of its versions', () => {
    interface Test {
      readonly id: number;
      readonly names?: readonly string[] | null;
      readonly note?: string | null;
    }
    const schema = defineMessage<Test>(
      spec([
        { name: 'id', type: 'int32', versions: '0+' },
        { name: 'names', type: '[]string', versions: '1+', nullableVersions: '2+' },
        {
          name: 'note',
          type: 'string',
          versions: '1+',
          nullableVersions: '1+',
          tag: 3,
          taggedVersions: '1+',
          default: null,
        },
      ]),
    );
    const bytes = (version: number, value: Test): number[] => {
      const w = new ByteWriter();
      encodeMessage(schema, version, value, w);
      return [...w.finish()];
    };
    expect(bytes(0, { id: 1, names: [], note: null })).toEqual([0, 0, 0, 1]);
    expect(bytes(1, { id: 1, names: ['a'] })).toEqual([0, 0, 0, 1, 2, 2, 0x61, 0]);
    expect(bytes(2, { id: 1, names: null, note: 'x' })).toEqual([0, 0, 0, 1, 0, 1, 3, 2, 2, 0x78]);
    const decoded = decodeMessage(
      schema,
      2,
      new ByteReader(Buffer.from(bytes(2, { id: 1, names: null, note: 'x' }))),
    );
    expect(decoded).toEqual({ id: 1, names: null, note: 'x' });
    expect(decodeMessage(schema, 0, new ByteReader(Buffer.from([0, 0, 0, 9])))).toEqual({
      id: 9,
      names: [],
      note: null,
    });
  });
});
