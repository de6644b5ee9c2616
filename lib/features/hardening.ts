// The security contexts live in lib/core/security-context.ts; re-exported for the feature-store modules.
export { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security-context';
