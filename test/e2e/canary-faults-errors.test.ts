import { describeCanaryFaults } from './canary-faults.js';

describeCanaryFaults('60 × 500');
