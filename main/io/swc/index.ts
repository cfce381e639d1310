/** SWC neuron morphologies (NeuroMorpho.Org, MouseLight, hemibrain skeletons). */
export { parseSwc, readSwc } from './parse.js';
export { SWC_TYPES, type SwcMorphology, type SwcOptions, type SwcTree, type SwcWarning } from './types.js';
