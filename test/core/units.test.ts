import { Cpu, Duration, Size } from '../../lib/core/units';

describe('units', () => {
  test('sizes render as Kubernetes quantities and whole GiB', () => {
    expect(Size.gibibytes(16).toKubernetes()).toBe('16Gi');
    expect(Size.mebibytes(512).toKubernetes()).toBe('512Mi');
    expect(Size.tebibytes(1).toGibibytes()).toBe(1024);
    expect(() => Size.mebibytes(1536).toGibibytes()).toThrow(/not a whole number of GiB/);
  });

  test('durations convert and render', () => {
    expect(Duration.days(90).toSeconds()).toBe(7776000);
    expect(Duration.days(90).toGoogleDuration()).toBe('7776000s');
    expect(Duration.hours(48).toDays()).toBe(2);
    expect(Duration.minutes(90).toString()).toBe('90m');
    expect(() => Duration.hours(5).toDays()).toThrow(/not a whole number of days/);
  });

  test('cpu renders as cores or millicores', () => {
    expect(Cpu.cores(2).toKubernetes()).toBe('2');
    expect(Cpu.millis(500).toKubernetes()).toBe('500m');
  });

  test.each([
    () => Size.gibibytes(-1),
    () => Duration.days(Number.NaN),
    () => Cpu.cores(Number.POSITIVE_INFINITY),
  ])('negative and non-finite amounts are refused (%#)', (make) => {
    expect(make).toThrow(/the amount must be a finite number >= 0/);
  });
});
