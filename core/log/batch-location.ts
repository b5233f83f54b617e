/** Where a batch sits in a segment file, with the header fields the log works from. */
export interface BatchLocation {
  readonly position: number;
  readonly size: number;
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly maxTimestamp: number;
}
