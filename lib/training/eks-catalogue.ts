import { EksInstanceType } from '../core/accelerators/eks-instance-types';
import { EksCapacityConfig, ResolvedPool } from './pool';

/** Node operating system for EKS managed node groups. */
export enum EksAmiFamily {
  /** Amazon Linux 2023 accelerated AMIs (`AL2023_x86_64_NVIDIA`, `AL2023_x86_64_NEURON`). */
  AL2023 = 'al2023',
  /** Bottlerocket NVIDIA (`BOTTLEROCKET_x86_64_NVIDIA`); ships the NVIDIA device plugin itself. */
  BOTTLEROCKET = 'bottlerocket',
}

/** A pool resolved against the EKS catalogue. */
export interface EksPool extends ResolvedPool {
  readonly instance: EksInstanceType;
  readonly amiType: string;
  readonly efaEnabled: boolean;
  /** How the nodes are bought on EKS (the pool's `capacity`, bound). */
  readonly capacityConfig: EksCapacityConfig;
}
