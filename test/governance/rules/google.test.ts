import { describeRuleCases } from '../helpers';
import { GOOGLE_CASES } from './google-cases';

describeRuleCases('Google Cloud rules', GOOGLE_CASES);
