import { Construct } from 'constructs';
import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { Validator } from '../core/errors';
import { googleSetting } from '../core/private/environment';

/** Props for {@link GcpKmsKey}. */
export interface GcpKmsKeyProps {
  /** The key ring's project. @default - the project of the stack's Google provider */
  readonly project?: string;
  /** Key location; must match the location of what it encrypts (e.g. `us-central1`, `us`, `europe-west4`). */
  readonly location: string;
  /** Key ring name. */
  readonly keyRingName: string;
  /** Key name. */
  readonly keyName: string;
}

/**
 * A Cloud KMS key rotated every 90 days, protected by `prevent_destroy` (destroying a CMEK key makes what it
 * encrypted unreadable). `allowServiceAgent()` lets a Google service agent (GCS, Cloud SQL, Vertex AI) use it.
 */
export class GcpKmsKey extends Construct {
  public readonly keyRing: KmsKeyRing;
  public readonly key: KmsCryptoKey;
  private agents = 0;

  constructor(scope: Construct, id: string, props: GcpKmsKeyProps) {
    super(scope, id);
    const v = new Validator(this);
    const project = googleSetting(this, v, 'project', 'project', props.project);
    v.throwIfAny();
    this.keyRing = new KmsKeyRing(this, 'key-ring', { project, name: props.keyRingName, location: props.location });
    this.key = new KmsCryptoKey(this, 'key', {
      name: props.keyName,
      keyRing: this.keyRing.id,
      purpose: 'ENCRYPT_DECRYPT',
      rotationPeriod: '7776000s',
      lifecycle: { preventDestroy: true },
    });
  }

  /** Lets a service agent (`serviceAccount:service-…@gs-project-accounts.iam.gserviceaccount.com`) encrypt with the key. */
  public allowServiceAgent(member: string): KmsCryptoKeyIamMember {
    return new KmsCryptoKeyIamMember(this, `agent-${this.agents++}`, {
      cryptoKeyId: this.key.id,
      role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      member,
    });
  }
}
