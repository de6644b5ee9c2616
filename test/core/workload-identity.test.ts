import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
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
});
