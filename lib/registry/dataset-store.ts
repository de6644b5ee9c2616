import { Construct } from 'constructs';
import { Validator } from '../core/errors';
import { ObjectStore, ObjectStoreProps } from './object-store';

/** Props for {@link DatasetStore}. */
export interface DatasetStoreProps extends ObjectStoreProps {
  /** Key prefix DVC stores its content-addressed objects under. @default 'dvc/' */
  readonly dvcPrefix?: string;
}

/** A DVC remote, ready to paste or run. */
export interface DvcRemote {
  /** The remote's section for `.dvc/config` (INI). */
  readonly config: string;
  /** The `dvc remote add` / `dvc remote modify` commands that write the same config. */
  readonly commands: string[];
}

/**
 * Versioned, encrypted dataset storage that doubles as a DVC remote: a SecureS3Bucket on AWS, a SecureGcsBucket
 * on Google Cloud, or an existing bucket on an on-prem S3-compatible endpoint. DVC content-addresses files under
 * `dvcPrefix`, so a dataset version is a git commit of its `.dvc` file; the bucket's own versioning keeps
 * overwritten or deleted objects recoverable. Record the URI and the DVC revision in each model version's
 * lineage (`ModelLineage`).
 */
export class DatasetStore extends ObjectStore {
  public readonly dvcPrefix: string;

  constructor(scope: Construct, id: string, props: DatasetStoreProps) {
    super(scope, id, props);
    const v = new Validator(this);
    v.matches('dvcPrefix', props.dvcPrefix, /^([A-Za-z0-9!_.*'()-]+\/)*$/,
      'must be a key prefix ending in "/" (e.g. "dvc/" or "team/dvc/"), or "" for the bucket root');
    v.throwIfAny();
    this.dvcPrefix = props.dvcPrefix ?? 'dvc/';
  }

  /**
   * The DVC remote for this store. Cloud remotes take credentials from workload identity (the SDK default
   * chain); the S3-compatible remote reads them from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` in the
   * environment ({@link connectionEnv}), so no key is ever written into `.dvc/config`.
   * @param name remote name, e.g. `datasets`
   * @param isDefault make it the default remote (`-d`)
   */
  public dvcRemote(name: string, isDefault = true): DvcRemote {
    const v = new Validator(this);
    v.matches('dvcRemote(name)', name, /^[A-Za-z0-9][-A-Za-z0-9_]*$/, 'is not a DVC remote name; use letters, digits, "-" and "_"');
    v.throwIfAny();
    // The literal bucket name (not a Terraform reference): this text leaves Terraform for a repository's .dvc/config.
    const settings: Array<[string, string]> = [['url', this.literalUri(this.dvcPrefix).replace(/\/$/, '')]];
    if (this.endpointUrl !== undefined) settings.push(['endpointurl', this.endpointUrl]);
    const config = [`['remote "${name}"']`, ...settings.map(([k, value]) => `    ${k} = ${value}`)].join('\n') + '\n';
    const commands = [
      `dvc remote add${isDefault ? ' -d' : ''} ${name} ${settings[0][1]}`,
      ...settings.slice(1).map(([k, value]) => `dvc remote modify ${name} ${k} ${value}`),
    ];
    return { config, commands };
  }
}
