import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { policyDocument, PolicyStatement } from '../core/iam';

/** Props for {@link AwsKmsKey}. */
export interface AwsKmsKeyProps {
  /** What the key protects, for reviewers. */
  readonly description: string;
  /** Alias without the `alias/` prefix, e.g. `ml/feature-store`. */
  readonly alias: string;
  /** Extra key policy statements (e.g. a service principal that encrypts with it). @default - none */
  readonly extraStatements?: PolicyStatement[];
  /**
   * Terraform `prevent_destroy`: destroying a key makes everything encrypted with it unreadable once the deletion
   * window ends. Owners pass their own protection flag, so a store that may be destroyed may lose its key too.
   * @default true
   */
  readonly protectFromDeletion?: boolean;
}

/**
 * A customer-managed KMS key with yearly automatic rotation, a 30-day deletion window, `prevent_destroy`, and a key policy
 * that leaves administration to the account's IAM (no `Principal: *`). Stores grant use of it to the
 * workloads that read or write them.
 */
export class AwsKmsKey extends Construct {
  public readonly key: KmsKey;
  public readonly alias: KmsAlias;
  private readonly statements: PolicyStatement[];

  constructor(scope: Construct, id: string, props: AwsKmsKeyProps) {
    super(scope, id);
    const partition = new DataAwsPartition(this, 'partition').partition;
    const account = new DataAwsCallerIdentity(this, 'caller').accountId;
    // The root statement delegates to IAM: a role of this account may use the key when its IAM policy allows
    // (AWS KMS Developer Guide, "Default key policy"). Grants therefore need no key policy change in-account.
    this.statements = [
      { Sid: 'AccountIamAdministers', Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
      ...(props.extraStatements ?? []),
    ];
    this.key = new KmsKey(this, 'key', {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: Lazy.stringValue({ produce: () => policyDocument(this.statements) }),
      lifecycle: { preventDestroy: props.protectFromDeletion ?? true },
    });
    this.alias = new KmsAlias(this, 'alias', { name: `alias/${props.alias}`, targetKeyId: this.key.keyId });
  }

  /**
   * Adds a statement to the key policy (rendered at synth), e.g. another account that may decrypt. Principals
   * of this account need none: the policy delegates to their IAM policies.
   */
  public addToResourcePolicy(statement: PolicyStatement): void {
    this.statements.push(statement);
  }

  /** IAM statements that let a principal encrypt and decrypt with this key. */
  public useStatements(write: boolean): PolicyStatement[] {
    return [{
      Effect: 'Allow',
      Action: write ? ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt'] : ['kms:Decrypt'],
      Resource: this.key.arn,
    }];
  }
}
