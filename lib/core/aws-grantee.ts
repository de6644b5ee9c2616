import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { PolicyStatement } from './iam';
import { IModelSource } from './model-source';
import { InlinePolicies } from './private/inline-policies';

/**
 * The consumer end of an AWS grant: an IAM role that stores and registries add read or write access to. A
 * `WorkloadIdentity` on EKS is one; {@link AwsRoleGrantee} makes one of a role a construct created itself (a
 * SageMaker execution role, an IoT device role). Grants land as inline policies in the grantee's own scope, so
 * a producer in another stack is read through remote state and never depends on the consumer.
 */
export interface IAwsGrantee {
  /**
   * Adds an inline policy to the role. An identical policy already on the role is returned instead of a copy
   * (AWS keys inline policies by role and name, so a copy would overwrite and, on destroy, delete the original).
   */
  addAwsPolicy(name: string, statements: PolicyStatement[]): IamRolePolicy;
}

/** An IAM role a construct created itself, as an {@link IAwsGrantee}: grants become inline policies under this construct. */
export class AwsRoleGrantee extends Construct implements IAwsGrantee {
  public readonly role: IamRole;
  private readonly inline: InlinePolicies;

  constructor(scope: Construct, id: string, role: IamRole) {
    super(scope, id);
    this.role = role;
    this.inline = new InlinePolicies(this, role.name, (name) => `policy-${name}`);
  }

  public addAwsPolicy(name: string, statements: PolicyStatement[]): IamRolePolicy {
    return this.inline.add(name, statements);
  }

  /** The policies granted so far: what anything using the role must wait for (`dependsOn`). */
  public get dependables(): ITerraformDependable[] {
    return this.inline.policies;
  }
}

/** One model version, by registered model name and version. */
export interface ModelVersionRef {
  readonly model: string;
  readonly version: string;
}

/**
 * A model source that grants an AWS role read access to its artifacts itself: the objects of the listed
 * versions and the key that encrypts them (a `SageMakerModelRegistry`). Consumers ask the producer instead of
 * deriving grants from artifact URIs, whose bucket is often a token known only at apply time.
 */
export interface IAwsModelArtifactSource extends IModelSource {
  /**
   * Lets `grantee` read the artifacts of `versions` (every artifact of this source when omitted) and decrypt
   * them. Returns the policy, so the consumer can wait for it.
   */
  grantReadToRole(grantee: IAwsGrantee, versions?: ModelVersionRef[]): IamRolePolicy;
}

/** True when `source` grants AWS roles read access to its artifacts itself. */
export function canGrantReadToRole(source: unknown): source is IAwsModelArtifactSource {
  return typeof source === 'object' && source !== null && typeof (source as Partial<IAwsModelArtifactSource>).grantReadToRole === 'function';
}
