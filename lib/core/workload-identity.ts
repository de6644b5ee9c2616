import { ITerraformDependable, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { Contracts } from '../contracts/contracts';
import type { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import type { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { Validator } from './errors';
import { IAwsGrantee } from './aws-grantee';
import { policyDocument, PolicyStatement } from './iam';
import { IKubernetesTarget } from './kubernetes-target';
import { WorkloadIdentityKind } from './workload-identity-mode';
import { checkResourceName } from './names';
import { findResources } from './private/bindings';
import { InlinePolicies } from './private/inline-policies';
import { requireProvider } from './private/optional-provider';

export * from './workload-identity-mode';
export * from './aws-grantee';

/** Props for {@link WorkloadIdentity}. */
export interface WorkloadIdentityProps {
  /** Where the workload runs; its namespace is the service account's namespace. */
  readonly target: IKubernetesTarget;
  /** The Kubernetes service account name, DNS-1123. */
  readonly serviceAccountName: string;
  /** Short name for the cloud identity (IAM role / Google service account), at most 24 characters. */
  readonly cloudName: string;
}

/**
 * A Kubernetes service account with a cloud identity, so a workload reaches cloud stores without static
 * keys. On EKS: an IAM role trusted only by `pods.eks.amazonaws.com` and a Pod Identity association. On GKE:
 * a Google service account that only this Kubernetes service account may impersonate. Elsewhere: just the
 * Kubernetes service account. Grants from stores (`grantRead`, `grantWrite`) land on the cloud identity.
 */
export class WorkloadIdentity extends Construct implements IAwsGrantee {
  public readonly target: IKubernetesTarget;
  public readonly serviceAccountName: string;
  public readonly serviceAccount: ServiceAccountV1;
  /** EKS: the role pods assume. */
  public readonly awsRole?: IamRole;
  /** GKE: the Google service account pods impersonate. */
  public readonly gcpServiceAccount?: ServiceAccount;
  /** GKE: the binding that lets the Kubernetes service account impersonate {@link gcpServiceAccount}. */
  public readonly gcpImpersonation?: ServiceAccountIamMember;
  /** EKS: the Pod Identity association of the service account with {@link awsRole}. */
  public readonly podIdentityAssociation?: EksPodIdentityAssociation;
  private readonly inlinePolicies?: InlinePolicies;

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    super(scope, id);
    const v = new Validator(this);
    checkResourceName(v, 'serviceAccountName', props.serviceAccountName, 63);
    checkResourceName(v, 'cloudName', props.cloudName, 24);
    v.check(typeof props.cloudName !== 'string' || props.cloudName.length >= 3, 'cloudName', props.cloudName, 'must be at least 3 characters (Google service account ids need 6)');
    v.throwIfAny();
    this.target = props.target;
    this.serviceAccountName = props.serviceAccountName;
    const mode = props.target.identity;
    const namespace = props.target.namespace;

    if (mode.kind === WorkloadIdentityKind.GKE_WORKLOAD_IDENTITY) {
      // The Google bindings load only for GKE workloads: an AWS-only app never pays for them.
      const google = googleBindings(this);
      this.gcpServiceAccount = new google.ServiceAccount(this, 'gcp-sa', {
        project: mode.gcpProject,
        accountId: `${props.cloudName}-wi`,
        displayName: `Workload ${namespace}/${props.serviceAccountName} on ${props.target.clusterName}`,
      });
      this.gcpImpersonation = new google.ServiceAccountIamMember(this, 'gcp-sa-impersonation', {
        serviceAccountId: this.gcpServiceAccount.name,
        role: 'roles/iam.workloadIdentityUser',
        member: `serviceAccount:${mode.gcpProject}.svc.id.goog[${namespace}/${props.serviceAccountName}]`,
        // The `<project>.svc.id.goog` pool exists only once a cluster with Workload Identity does; before that
        // IAM rejects the member ("Identity Pool does not exist").
        dependsOn: props.target.dependablesFor(this),
      });
      if (mode.poolOwner instanceof TerraformResource) {
        Contracts.order(this, {
          producer: mode.poolOwner, what: `the ${mode.gcpProject}.svc.id.goog workload identity pool`, resource: this.gcpImpersonation, after: [mode.poolOwner],
          fix: 'make the binding depend on the cluster (or a node pool of it): pass the cluster target\'s dependables as dependsOn',
        });
      }
    }

    this.serviceAccount = new ServiceAccountV1(this, 'service-account', {
      provider: props.target.providerFor(this),
      dependsOn: props.target.dependablesFor(this),
      metadata: {
        name: props.serviceAccountName,
        namespace,
        ...(this.gcpServiceAccount ? { annotations: { 'iam.gke.io/gcp-service-account': this.gcpServiceAccount.email } } : {}),
      },
      automountServiceAccountToken: false,
    });

    if (mode.kind === WorkloadIdentityKind.EKS_POD_IDENTITY) {
      const aws = awsBindings(this);
      this.awsRole = new aws.IamRole(this, 'aws-role', {
        name: `${props.target.clusterName}-${props.cloudName}`.slice(0, 64),
        assumeRolePolicy: policyDocument([{
          Effect: 'Allow',
          Principal: { Service: 'pods.eks.amazonaws.com' },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
        }]),
      });
      this.inlinePolicies = new InlinePolicies(this, this.awsRole.name, (name, n) => `policy-${name}-${n}`);
      this.podIdentityAssociation = new aws.EksPodIdentityAssociation(this, 'pod-identity', {
        clusterName: mode.eksClusterName!,
        namespace,
        serviceAccount: props.serviceAccountName,
        roleArn: this.awsRole.arn,
      });
    }
  }

  /** The IAM principal member string for Google IAM bindings (`serviceAccount:…`), or undefined off GKE. */
  public get gcpMember(): string | undefined {
    return this.gcpServiceAccount?.member;
  }

  /**
   * Adds an inline policy to the workload's IAM role; an identical policy already on the role is returned
   * instead of a copy. Throws where the cluster has no AWS identity, naming what to do instead.
   */
  public addAwsPolicy(name: string, statements: PolicyStatement[]): IamRolePolicy {
    if (!this.inlinePolicies) {
      throw new Error(`${this.node.path}: ${this.target.clusterName} has no AWS workload identity (it is not an EKS cluster); ` +
        'reach AWS stores from EKS workloads, or give this workload credentials through an existing Kubernetes secret');
    }
    return this.inlinePolicies.add(name, statements);
  }

  /**
   * What a pod running as this identity must wait for before it touches a cloud store: the Kubernetes service
   * account, the cloud binding (Pod Identity association, or the `workloadIdentityUser` member) and every grant
   * to the identity made so far in its stack, by any construct (role policies and attachments on the IAM role;
   * `google_*_iam_member` resources naming the Google service account). Pass it to `dependsOn` after the grants.
   */
  public get dependables(): ITerraformDependable[] {
    const found: TerraformResource[] = [this.serviceAccount];
    if (this.podIdentityAssociation) found.push(this.podIdentityAssociation);
    if (this.gcpImpersonation) found.push(this.gcpImpersonation);
    if (this.awsRole) found.push(...findResources(this, /^aws_iam_role_policy(_attachment)?$/, { role: this.awsRole.name }));
    if (this.gcpServiceAccount) found.push(...findResources(this, /^google_.+_iam_member$/, { member: this.gcpServiceAccount.member }));
    return [...new Set(found)];
  }
}

/** The two Google classes WorkloadIdentity uses, required on first use (deep paths). */
function googleBindings(scope: Construct): {
  ServiceAccount: typeof import('@cdktf/provider-google/lib/service-account').ServiceAccount;
  ServiceAccountIamMember: typeof import('@cdktf/provider-google/lib/service-account-iam-member').ServiceAccountIamMember;
} {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return requireProvider(scope, 'a GKE workload identity', () => ({
    ServiceAccount: require('@cdktf/provider-google/lib/service-account').ServiceAccount,
    ServiceAccountIamMember: require('@cdktf/provider-google/lib/service-account-iam-member').ServiceAccountIamMember,
  }));
}

/** The two AWS classes WorkloadIdentity uses, required on first use (deep paths): a Google-only app has no provider-aws. */
function awsBindings(scope: Construct): {
  IamRole: typeof import('@cdktf/provider-aws/lib/iam-role').IamRole;
  EksPodIdentityAssociation: typeof import('@cdktf/provider-aws/lib/eks-pod-identity-association').EksPodIdentityAssociation;
} {
  return requireProvider(scope, 'an EKS Pod Identity role', () => ({
    IamRole: require('@cdktf/provider-aws/lib/iam-role').IamRole,
    EksPodIdentityAssociation: require('@cdktf/provider-aws/lib/eks-pod-identity-association').EksPodIdentityAssociation,
  }));
}
