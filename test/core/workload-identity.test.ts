import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { KubernetesTarget } from '../../lib/core/kubernetes-target';
import { WorkloadIdentity } from '../../lib/core/workload-identity';
import { EksTrainingCluster } from '../../lib/training/eks';
import { GkeTrainingCluster } from '../../lib/training/gke';
import { SecureGcsBucket } from '../../lib/storage/gcs-bucket';
import { SecureS3Bucket } from '../../lib/storage/s3-bucket';
import { synth } from '../util';

describe('WorkloadIdentity', () => {
  test('on EKS: a role only EKS Pod Identity can assume, associated with the service account, with exactly the bucket grant', () => {
    const out = synth((stack) => {
      new AwsProvider(stack, 'aws', { region: 'us-east-1' });
      const eks = new EksTrainingCluster(stack, 'c', { clusterName: 'ml', kubernetesVersion: '1.33', subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], teams: [{ team: 'vision' }] });
      const wi = new WorkloadIdentity(stack, 'trainer', { target: eks.teamTarget('vision'), serviceAccountName: 'trainer', cloudName: 'trainer' });
      new SecureS3Bucket(stack, 'data', { bucketName: 'ml-data' }).grantRead(wi, 'datasets/');
    });
    const role = out.resources('aws_iam_role').find((r) => r.name === 'ml-trainer');
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }]);
    expect(out.resources('aws_eks_pod_identity_association')[0]).toMatchObject({ namespace: 'vision', service_account: 'trainer', role_arn: expect.stringContaining('aws_iam_role.') });
    const policy = JSON.parse(out.resources('aws_iam_role_policy')[0].policy);
    expect(policy.Statement.map((s: any) => s.Action)).toEqual(['s3:ListBucket', ['s3:GetObject', 's3:GetObjectVersion'], ['kms:Decrypt']]);
    expect(policy.Statement[1].Resource).toMatch(/\/datasets\/\*$/);
    expect(out.resources('kubernetes_service_account_v1')[0]).toMatchObject({ metadata: { name: 'trainer', namespace: 'vision' }, automount_service_account_token: false });
  });

  test('on GKE: a Google service account only this Kubernetes service account can impersonate, bound on the bucket', () => {
    const out = synth((stack) => {
      new GoogleProvider(stack, 'google', { project: 'ml-prod-123' });
      const gke = new GkeTrainingCluster(stack, 'c', { clusterName: 'ml', project: 'ml-prod-123', location: 'us-central1', network: 'n', subnetwork: 's', teams: [{ team: 'vision' }] });
      const wi = new WorkloadIdentity(stack, 'trainer', { target: gke.teamTarget('vision'), serviceAccountName: 'trainer', cloudName: 'trainer' });
      new SecureGcsBucket(stack, 'data', { project: 'ml-prod-123', bucketName: 'ml-data', location: 'US' }).grantReadWrite(wi);
    });
    expect(out.resources('google_service_account_iam_member')[0]).toMatchObject({
      role: 'roles/iam.workloadIdentityUser', member: 'serviceAccount:ml-prod-123.svc.id.goog[vision/trainer]',
    });
    expect(out.resources('kubernetes_service_account_v1')[0].metadata.annotations['iam.gke.io/gcp-service-account']).toMatch(/google_service_account\..+\.email/);
    expect(out.resources('google_storage_bucket_iam_member')[0]).toMatchObject({ role: 'roles/storage.objectUser', bucket: expect.stringContaining('google_storage_bucket.') });
  });

  test('on-prem: granting a cloud bucket says how to give the workload credentials instead', () => {
    expect(() => synth((stack) => {
      new AwsProvider(stack, 'aws', { region: 'us-east-1' });
      const target = KubernetesTarget.fromKubeconfig(stack, 'dc1', { clusterName: 'dc1' });
      const wi = new WorkloadIdentity(stack, 'trainer', { target, serviceAccountName: 'trainer', cloudName: 'trainer' });
      new SecureS3Bucket(stack, 'data', { bucketName: 'ml-data' }).grantRead(wi);
    })).toThrow(/dc1 has no AWS workload identity \(it is not an EKS cluster\); reach AWS stores from EKS workloads, or give this workload credentials through an existing Kubernetes secret/);
  });
  test('on GKE: the workloadIdentityUser binding waits for the cluster that creates the identity pool', () => {
    const out = synth((stack) => {
      new GoogleProvider(stack, 'google', { project: 'ml-prod-123' });
      const gke = new GkeTrainingCluster(stack, 'c', { clusterName: 'ml', project: 'ml-prod-123', location: 'us-central1', network: 'n', subnetwork: 's', teams: [{ team: 'vision' }] });
      new WorkloadIdentity(stack, 'trainer', { target: gke.teamTarget('vision'), serviceAccountName: 'trainer', cloudName: 'trainer' });
    });
    const binding = out.resources('google_service_account_iam_member').find((m) => m.role === 'roles/iam.workloadIdentityUser');
    const pool = Object.keys(out.json.resource.google_container_node_pool).find((address) => address.startsWith('c_system-pool'));
    expect(binding.depends_on).toEqual(expect.arrayContaining([`google_container_node_pool.${pool}`]));
    // The pool itself is created with the cluster (`cluster` references it), so the binding comes after the pool exists.
    expect(out.json.resource.google_container_node_pool[pool!].cluster).toMatch(/^\$\{google_container_cluster\./);
  });

  test('dependables: the service account, the cloud binding and every grant to the identity in its stack', () => {
    const out = synth((stack) => {
      new AwsProvider(stack, 'aws', { region: 'us-east-1' });
      const eks = new EksTrainingCluster(stack, 'c', { clusterName: 'ml', kubernetesVersion: '1.33', subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], teams: [{ team: 'vision' }] });
      const wi = new WorkloadIdentity(stack, 'trainer', { target: eks.teamTarget('vision'), serviceAccountName: 'trainer', cloudName: 'trainer' });
      new SecureS3Bucket(stack, 'data', { bucketName: 'ml-data' }).grantRead(wi, 'datasets/');
      new IamRolePolicyAttachment(stack, 'extra', { role: wi.awsRole!.name, policyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' });
      new ConfigMapV1(stack, 'waits', { metadata: { name: 'waits' }, dependsOn: wi.dependables });
    });
    const waits = out.resources('kubernetes_config_map_v1')[0].depends_on as string[];
    expect(waits.map((d) => d.split('.')[0]).sort()).toEqual([
      'aws_eks_pod_identity_association', 'aws_iam_role_policy', 'aws_iam_role_policy_attachment', 'kubernetes_service_account_v1',
    ]);
  });

  test('the same policy granted twice to one identity is emitted once; a different policy under the same name gets its own name', () => {
    const out = synth((stack) => {
      new AwsProvider(stack, 'aws', { region: 'us-east-1' });
      const eks = new EksTrainingCluster(stack, 'c', { clusterName: 'ml', kubernetesVersion: '1.33', subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], teams: [{ team: 'vision' }] });
      const wi = new WorkloadIdentity(stack, 'trainer', { target: eks.teamTarget('vision'), serviceAccountName: 'trainer', cloudName: 'trainer' });
      const bucket = new SecureS3Bucket(stack, 'data', { bucketName: 'ml-data' });
      bucket.grantRead(wi, 'datasets/');
      bucket.grantRead(wi, 'datasets/');
      bucket.grantRead(wi, 'checkpoints/');
    });
    const policies = out.resources('aws_iam_role_policy').filter((p) => p.role.includes('trainer_aws-role'));
    expect(policies.map((p) => p.name)).toEqual(['read-data', 'read-data-2']);
    expect(policies.map((p) => JSON.parse(p.policy).Statement[1].Resource)).toEqual([
      expect.stringMatching(/\/datasets\/\*$/), expect.stringMatching(/\/checkpoints\/\*$/),
    ]);
  });
});
