import { describeRuleCases } from '../helpers';
import { AWS_CASES } from './aws-cases';

describeRuleCases('AWS rules', AWS_CASES);
