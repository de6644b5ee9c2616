import { KubernetesPlatform } from '../../lib/core/kubernetes-target';
import { Validator } from '../../lib/core/errors';
import { Capacity } from '../../lib/training/pool';

/** The problems `capacity` has on `platform`, as the cluster's error would read. */
function problems(capacity: Capacity, platform: KubernetesPlatform): string {
  const v = new Validator('test/training');
  const ok = capacity.validate(v, { platform, prop: 'pools[0].capacity' });
  try {
    v.throwIfAny();
  } catch (e) {
    expect(ok).toBe(false);
    return (e as Error).message;
  }
  expect(ok).toBe(true);
  return '';
}

describe('Capacity: each way of buying nodes is written per target by the variant itself', () => {
  test.each<[string, Capacity, object, object]>([
    ['on demand', Capacity.ON_DEMAND,
      { capacityType: 'ON_DEMAND', karpenterCapacityTypes: ['on-demand'], capacityBlock: false }, { spot: false }],
    ['spot', Capacity.SPOT,
      { capacityType: 'SPOT', karpenterCapacityTypes: ['spot'], capacityBlock: false }, { spot: true }],
    ['an ODCR / Compute Engine reservation', Capacity.reservation('cr-0123456789abcdef0'),
      { capacityType: 'ON_DEMAND', karpenterCapacityTypes: ['reserved'], capacityReservationId: 'cr-0123456789abcdef0', capacityBlock: false },
      { spot: false, reservationName: 'cr-0123456789abcdef0' }],
  ])('given %s, then EKS and GKE get their own spelling of it', (_what, capacity, eks, gke) => {
    expect(capacity.bindEks()).toEqual(eks);
    expect(capacity.bindGke()).toEqual(gke);
  });

  test('given a Capacity Block, then EKS launches into the reservation with the capacity-block market, and GKE cannot bind it', () => {
    const block = Capacity.capacityBlock('cr-0123456789abcdef0');
    expect(block.bindEks()).toEqual({
      capacityType: 'CAPACITY_BLOCK', karpenterCapacityTypes: ['reserved'], capacityReservationId: 'cr-0123456789abcdef0', capacityBlock: true,
    });
    expect(() => block.bindGke()).toThrow(/Capacity Block, which GKE cannot use/);
  });

  test('the descriptions read in messages are stable', () => {
    expect([Capacity.ON_DEMAND, Capacity.SPOT, Capacity.capacityBlock('cr-0123456789abcdef0'), Capacity.reservation('h200')].map(String))
      .toEqual(['on-demand', 'spot', 'capacity-block(cr-0123456789abcdef0)', 'reservation(h200)']);
  });
});

describe('Capacity: a target that cannot honour a variant refuses it, naming the prop', () => {
  test('on demand and spot are fine everywhere', () => {
    for (const platform of [KubernetesPlatform.EKS, KubernetesPlatform.GKE]) {
      expect(problems(Capacity.ON_DEMAND, platform)).toBe('');
      expect(problems(Capacity.SPOT, platform)).toBe('');
    }
  });

  test('a Capacity Block on GKE', () => {
    expect(problems(Capacity.capacityBlock('cr-0123456789abcdef0'), KubernetesPlatform.GKE))
      .toMatch(/pools\[0\]\.capacity \(capacity-block\(cr-0123456789abcdef0\)\) is an EC2 Capacity Block, which GKE cannot use/);
  });

  test('a Capacity Block or reservation on EKS must be an EC2 reservation id', () => {
    expect(problems(Capacity.capacityBlock('block-1'), KubernetesPlatform.EKS))
      .toMatch(/pools\[0\]\.capacity \("block-1"\) must name an EC2 capacity reservation id, e.g. cr-0123456789abcdef0/);
    expect(problems(Capacity.reservation('h200-block'), KubernetesPlatform.EKS))
      .toMatch(/pools\[0\]\.capacity \("h200-block"\) must name an EC2 capacity reservation id/);
    expect(problems(Capacity.reservation('cr-0123456789abcdef0'), KubernetesPlatform.EKS)).toBe('');
  });

  test('a reservation on GKE must be a Compute Engine reservation name', () => {
    expect(problems(Capacity.reservation('H200_Block'), KubernetesPlatform.GKE))
      .toMatch(/pools\[0\]\.capacity \("H200_Block"\) must name a Compute Engine reservation/);
    expect(problems(Capacity.reservation('h200-block'), KubernetesPlatform.GKE)).toBe('');
  });
});
