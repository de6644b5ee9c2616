/** The traffic strategies every endpoint target understands. */
export enum TrafficStrategyKind {
  /** All traffic to one variant. */
  SINGLE = 'single',
  /** A stable variant and a canary taking a minority (at most 50%) of traffic. */
  CANARY = 'canary',
  /** Two or more variants sharing live traffic by weight. */
  AB_TEST = 'ab-test',
  /** The champion answers every request; the challenger gets a mirrored copy whose answers are discarded. */
  CHAMPION_CHALLENGER = 'champion-challenger',
}

/** One variant's share of live traffic, in percent. */
export interface WeightedVariant {
  /** The variant name, as declared in the endpoint's `variants`. */
  readonly variant: string;
  /** Percent of live requests, a whole number from 1 to 100; all weights sum to 100. */
  readonly weight: number;
}

/**
 * How live traffic is split between an endpoint's variants, declared once and realised per target:
 * `Traffic.single('v3')`, `Traffic.canary('v3', 'v4', 10)`, `Traffic.abTest([{ variant: 'a', weight: 50 }, …])`,
 * `Traffic.championChallenger('v3', 'v4')`.
 */
export class Traffic {
  /** Every request goes to `variant`. */
  public static single(variant: string): Traffic {
    return new Traffic(TrafficStrategyKind.SINGLE, [{ variant, weight: 100 }]);
  }

  /**
   * `canaryPercent` of requests go to `canary`, the rest to `stable`.
   * @param canaryPercent whole percent from 1 to 50; above that, promote with `Traffic.single` or use `abTest`
   */
  public static canary(stable: string, canary: string, canaryPercent: number): Traffic {
    return new Traffic(TrafficStrategyKind.CANARY, [{ variant: stable, weight: 100 - canaryPercent }, { variant: canary, weight: canaryPercent }], undefined, canaryPercent);
  }

  /** Live traffic split by weight between two or more variants; weights are whole percents summing to 100. */
  public static abTest(splits: WeightedVariant[]): Traffic {
    return new Traffic(TrafficStrategyKind.AB_TEST, Array.isArray(splits) ? splits.map((s) => ({ variant: s?.variant, weight: s?.weight })) : splits);
  }

  /**
   * Shadow testing: `champion` answers every request; each request is also sent to `challenger`, whose
   * responses are discarded (compare them offline from its metrics and captured data).
   */
  public static championChallenger(champion: string, challenger: string): Traffic {
    return new Traffic(TrafficStrategyKind.CHAMPION_CHALLENGER, [{ variant: champion, weight: 100 }], challenger);
  }

  private constructor(
    public readonly kind: TrafficStrategyKind,
    /** Live traffic per variant. */
    public readonly weights: WeightedVariant[],
    /** The variant that receives a mirrored copy of requests (champion-challenger only). */
    public readonly shadow?: string,
    /** The canary's percent (canary only). */
    public readonly canaryPercent?: number,
  ) {}

  /** Every variant the strategy names: live ones first, then the shadow. */
  public get variants(): string[] {
    const live = Array.isArray(this.weights) ? this.weights.map((w) => w.variant) : [];
    return this.shadow === undefined ? live : [...live, this.shadow];
  }

  /** The live weight of `variant` (0 for the shadow and for unknown names). */
  public weightOf(variant: string): number {
    return this.weights.find((w) => w.variant === variant)?.weight ?? 0;
  }

  public toString(): string {
    const live = this.weights.map((w) => `${w.variant}: ${w.weight}`).join(', ');
    return this.shadow ? `${this.kind}(${live}; shadow ${this.shadow})` : `${this.kind}(${live})`;
  }
}
