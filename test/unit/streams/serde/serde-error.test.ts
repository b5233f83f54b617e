import { describe, expect, it } from 'vitest';
import { ErrorCode, FjordError } from '../../../../core/index.js';
import { SerdeError } from '../../../../streams/serde/index.js';

describe('SerdeError', () => {
  it('is a FjordError with a non-retriable INVALID_RECORD code', () => {
    const err = new SerdeError('bad');
    expect(err).toBeInstanceOf(FjordError);
    expect(err.name).toBe('SerdeError');
    expect(err.code).toBe(ErrorCode.INVALID_RECORD);
    expect(err.retriable).toBe(false);
  });

  it('prefixes the reason with what it knows of the location', () => {
    expect(new SerdeError('bad').message).toBe('serde: bad');
    expect(new SerdeError('bad', { serde: 'int32', topic: 't' }).message).toBe(
      "int32, topic 't': bad",
    );
    expect(new SerdeError('bad', { serde: 'int32', topic: 't', side: 'key' }).message).toBe(
      "int32, topic 't' (key): bad",
    );
  });

  it('withSide locates the error on the key or the value and keeps everything else', () => {
    const cause = new Error('root');
    const err = new SerdeError('bad', { serde: 'json', topic: 't', cause });
    const located = err.withSide('value');
    expect(located).toBeInstanceOf(SerdeError);
    expect(located.message).toBe("json, topic 't' (value): bad");
    expect(located).toMatchObject({ side: 'value', topic: 't', serde: 'json', reason: 'bad' });
    expect(located.cause).toBe(cause);
    expect(located.stack?.split('\n').slice(1)).toEqual(err.stack?.split('\n').slice(1));
    expect(err.side).toBeUndefined();
  });
});
