import { describe, expect, it } from 'vitest';

import { formatTable } from '../../../core/cli/table.js';

describe('formatTable', () => {
  it('pads every column but the last to its widest cell', () => {
    expect(
      formatTable(
        ['GROUP', 'PARTITION', 'CLIENT-ID'],
        [
          ['g', '0', 'a'],
          ['longer-group', '12', '-'],
        ],
      ),
    ).toBe(
      [
        'GROUP        PARTITION CLIENT-ID',
        'g            0         a',
        'longer-group 12        -',
      ].join('\n'),
    );
  });
});
