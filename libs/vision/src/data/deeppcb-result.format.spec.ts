import { formatDeepPcbResult, parseDeepPcbResult } from './deeppcb-result.format';

describe('DeepPCB result format', () => {
  it('writes integer corners, the confidence and the type name, comma-separated', () => {
    const text = formatDeepPcbResult([
      { className: 'open', score: 0.98765432, box: { x1: 10.4, y1: 20.6, x2: 30.2, y2: 40.9 } },
      { className: 'pin-hole', score: 0.5, box: { x1: 1, y1: 2, x2: 3, y2: 4 } },
    ]);
    expect(text).toBe('10,20,31,41,0.987654,open\n1,2,3,4,0.5,pin-hole\n');
    expect(formatDeepPcbResult([])).toBe('');
  });

  it('reads back what it writes, and refuses other classes', () => {
    const dets = [{ className: 'spur', score: 0.25, box: { x1: 1, y1: 2, x2: 30, y2: 40 } }];
    expect(parseDeepPcbResult(formatDeepPcbResult(dets), 'r.txt')).toEqual(dets);
    expect(() => formatDeepPcbResult([{ className: 'dent', score: 1, box: { x1: 1, y1: 2, x2: 30, y2: 40 } }])).toThrow(
      '"dent" is not a DeepPCB class',
    );
  });

  it('names file:line of a malformed result line', () => {
    expect(() => parseDeepPcbResult('1,2,3,4,0.5,open\n1 2 3 4 0.5 open', 'r.txt')).toThrow(
      'r.txt:2: expected "x1,y1,x2,y2,confidence,type"',
    );
    expect(() => parseDeepPcbResult('1,2,3,4,1.5,open', 'r.txt')).toThrow('r.txt:1: confidence 1.5 is outside [0, 1]');
    expect(() => parseDeepPcbResult('1,2,3,4,0.5,dent', 'r.txt')).toThrow('r.txt:1: type "dent"');
  });
});
