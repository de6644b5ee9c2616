import { KubernetesPlatform } from '../../lib/core/kubernetes-target';
import { Validator } from '../../lib/core/errors';
import { ControlPlaneAccess } from '../../lib/training/control-plane-access';

/** The problems of `access` on `platform`, as a cluster's error reads them ('' when none). */
function problems(access: ControlPlaneAccess, platform: KubernetesPlatform): string {
  const v = new Validator('test/training');
  access.validate(v, platform);
  try {
    v.throwIfAny();
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('ControlPlaneAccess: one value for who reaches the API server, on EKS and GKE', () => {
  const office = { cidrBlock: '203.0.113.0/24', displayName: 'office' };

  test('privateOnly: no public endpoint, no networks', () => {
    expect(ControlPlaneAccess.privateOnly().bind(KubernetesPlatform.EKS)).toEqual({ publicEndpoint: false, authorizedNetworks: [] });
    expect(problems(ControlPlaneAccess.privateOnly(), KubernetesPlatform.EKS)).toBe('');
    expect(problems(ControlPlaneAccess.privateOnly(), KubernetesPlatform.GKE)).toBe('');
  });

  test('privateFrom: the private endpoint limited to the networks, on GKE only', () => {
    const access = ControlPlaneAccess.privateFrom([{ cidrBlock: '10.0.0.0/8' }]);
    expect(access.bind(KubernetesPlatform.GKE)).toEqual({ publicEndpoint: false, authorizedNetworks: [{ cidrBlock: '10.0.0.0/8' }] });
    expect(problems(access, KubernetesPlatform.GKE)).toBe('');
    expect(problems(access, KubernetesPlatform.EKS)).toMatch(/controlPlaneAccess \(privateFrom\(10\.0\.0\.0\/8\)\) limits the private endpoint to networks, which EKS does not do/);
  });

  test('publicAndPrivate: a public endpoint admitting the networks', () => {
    const access = ControlPlaneAccess.publicAndPrivate([office]);
    expect(access.bind(KubernetesPlatform.EKS)).toEqual({ publicEndpoint: true, authorizedNetworks: [office] });
    expect(String(access)).toBe('publicAndPrivate(203.0.113.0/24)');
    expect(problems(access, KubernetesPlatform.EKS)).toBe('');
  });

  test.each([
    ['the whole internet', [{ cidrBlock: '0.0.0.0/0' }], /controlPlaneAccess\.networks\[0\]\.cidrBlock \("0\.0\.0\.0\/0"\) opens the public endpoint to the whole internet/],
    ['any /0', [{ cidrBlock: '10.0.0.0/0' }], /networks\[0\]\.cidrBlock \("10\.0\.0\.0\/0"\) opens the public endpoint to the whole internet/],
    ['an octet above 255', [{ cidrBlock: '203.0.113.300/24' }], /networks\[0\]\.cidrBlock \("203\.0\.113\.300\/24"\) must be an IPv4 CIDR block/],
    ['a prefix above 32', [{ cidrBlock: '203.0.113.0/33' }], /must be an IPv4 CIDR block/],
    ['no networks', [], /controlPlaneAccess\.networks \(\[\]\) must list at least one network that may reach the public endpoint/],
  ])('publicAndPrivate refuses %s', (_what, networks, message) => {
    expect(problems(ControlPlaneAccess.publicAndPrivate(networks), KubernetesPlatform.GKE)).toMatch(message);
  });
});
