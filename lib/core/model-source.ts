/**
 * Where model versions come from. A ModelRegistry implements this; so can anything that can name a model
 * version's artifact and say whether it exists, so serving and edge rollouts refer to versions that exist.
 */
export interface IModelSource {
  /** A name for messages, e.g. the registry's name. */
  readonly registryName: string;
  /** The artifact URI of one model version (`s3://…`, `gs://…`, `models:/name/3`). */
  modelVersionUri(model: string, version: string): string;
  /** Whether the source knows this version; rollouts pointing elsewhere fail validation. */
  hasModelVersion(model: string, version: string): boolean;
}

/**
 * A fixed list of model versions under one artifact prefix, for sources Terraform does not manage (an
 * existing bucket, a registry run elsewhere). Versions must be listed so rollouts can be validated.
 */
export class StaticModelSource implements IModelSource {
  /**
   * @param registryName a name for messages
   * @param uriPrefix artifact prefix; a version's URI is `<uriPrefix>/<model>/<version>`
   * @param versions model name -> known versions
   */
  constructor(
    public readonly registryName: string,
    private readonly uriPrefix: string,
    private readonly versions: Record<string, string[]>,
  ) {}

  public modelVersionUri(model: string, version: string): string {
    return `${this.uriPrefix.replace(/\/+$/, '')}/${model}/${version}`;
  }

  public hasModelVersion(model: string, version: string): boolean {
    return (this.versions[model] ?? []).includes(version);
  }
}
