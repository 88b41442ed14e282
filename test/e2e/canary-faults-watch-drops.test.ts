import { describeCanaryFaults } from './canary-faults.js';

describeCanaryFaults('watch drops');
