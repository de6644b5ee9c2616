/**
 * Values with units. Props take these instead of bare numbers so the unit is in the type
 * (`Size.gibibytes(200)`, `Duration.days(90)`, `Cpu.millis(500)`), never guessed from a name.
 * Every factory rejects negative and non-finite amounts with an error naming the value.
 */

function assertAmount(kind: string, unit: string, amount: number): void {
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
    throw new RangeError(`${kind}.${unit}(${String(amount)}): the amount must be a finite number >= 0`);
  }
}

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** A storage or memory size, held in bytes. */
export class Size {
  /** @param amount mebibytes (MiB). */
  public static mebibytes(amount: number): Size {
    assertAmount('Size', 'mebibytes', amount);
    return new Size(amount * MIB);
  }

  /** @param amount gibibytes (GiB). */
  public static gibibytes(amount: number): Size {
    assertAmount('Size', 'gibibytes', amount);
    return new Size(amount * GIB);
  }

  /** @param amount tebibytes (TiB). */
  public static tebibytes(amount: number): Size {
    assertAmount('Size', 'tebibytes', amount);
    return new Size(amount * 1024 * GIB);
  }

  private constructor(private readonly bytes: number) {}

  /** Whole gibibytes; throws if the size is not a whole number of GiB (cloud disk sizes are whole GiB). */
  public toGibibytes(): number {
    const gib = this.bytes / GIB;
    if (!Number.isInteger(gib)) throw new RangeError(`${this.toString()} is not a whole number of GiB`);
    return gib;
  }

  /** Whole mebibytes, rounded up. */
  public toMebibytes(): number {
    return Math.ceil(this.bytes / MIB);
  }

  /** A Kubernetes quantity in the largest binary unit that represents it exactly (`16Gi`, `512Mi`). */
  public toKubernetes(): string {
    if (this.bytes % GIB === 0) return `${this.bytes / GIB}Gi`;
    if (this.bytes % MIB === 0) return `${this.bytes / MIB}Mi`;
    return `${Math.ceil(this.bytes / 1024)}Ki`;
  }

  public toString(): string {
    return this.toKubernetes();
  }
}

/** A length of time, held in seconds. */
export class Duration {
  public static seconds(amount: number): Duration {
    assertAmount('Duration', 'seconds', amount);
    return new Duration(amount);
  }

  public static minutes(amount: number): Duration {
    assertAmount('Duration', 'minutes', amount);
    return new Duration(amount * 60);
  }

  public static hours(amount: number): Duration {
    assertAmount('Duration', 'hours', amount);
    return new Duration(amount * 3600);
  }

  public static days(amount: number): Duration {
    assertAmount('Duration', 'days', amount);
    return new Duration(amount * 86400);
  }

  private constructor(private readonly secondsValue: number) {}

  public toSeconds(): number {
    return this.secondsValue;
  }

  /** Whole days; throws if the duration is not a whole number of days. */
  public toDays(): number {
    const days = this.secondsValue / 86400;
    if (!Number.isInteger(days)) throw new RangeError(`${this.toString()} is not a whole number of days`);
    return days;
  }

  /** Google API duration format, e.g. `7776000s`. */
  public toGoogleDuration(): string {
    return `${this.secondsValue}s`;
  }

  public toString(): string {
    const s = this.secondsValue;
    if (s > 0 && s % 86400 === 0) return `${s / 86400}d`;
    if (s > 0 && s % 3600 === 0) return `${s / 3600}h`;
    if (s > 0 && s % 60 === 0) return `${s / 60}m`;
    return `${s}s`;
  }
}

/** CPU, held in millicores. */
export class Cpu {
  public static cores(amount: number): Cpu {
    assertAmount('Cpu', 'cores', amount);
    return new Cpu(amount * 1000);
  }

  public static millis(amount: number): Cpu {
    assertAmount('Cpu', 'millis', amount);
    return new Cpu(amount);
  }

  private constructor(private readonly millicores: number) {}

  public toMillis(): number {
    return this.millicores;
  }

  /** A Kubernetes quantity: `2` for whole cores, `500m` otherwise. */
  public toKubernetes(): string {
    return this.millicores % 1000 === 0 ? `${this.millicores / 1000}` : `${Math.ceil(this.millicores)}m`;
  }

  public toString(): string {
    return this.toKubernetes();
  }
}
