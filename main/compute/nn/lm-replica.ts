/**
 * A createTransformerLM replica for the data-parallel trainer (main/compute/parallel): the module a
 * worker imports to build its copy of the model. Batch: `inputs` and `targets`, int32 [B, T].
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../activate.js';
import type { Replica, TensorBatch } from '../parallel/protocol.js';
import { createTransformerLM, type TransformerLMConfig } from './lm.js';
import { AdamW, type AdamWConfig } from './optim.js';
import { Params } from './params.js';

export interface LMReplicaConfig {
  model: TransformerLMConfig;
  /** AdamW with the default decay rule (a function does not cross a worker boundary). */
  optimizer: Omit<AdamWConfig, 'decay'>;
}

export function createReplica(tf: Tfjs, config: LMReplicaConfig): Replica {
  const params = new Params(tf);
  const lm = createTransformerLM(params, config.model);
  const optimizer = new AdamW(params, config.optimizer);
  return {
    params,
    optimizer,
    loss(batch: TensorBatch): tfTypes.Scalar {
      const { inputs, targets } = batch;
      if (!inputs || !targets) throw new Error('lm-replica: the batch needs "inputs" and "targets"');
      const ids = tf.tensor2d(inputs.data, inputs.shape as [number, number], 'int32');
      const next = tf.tensor2d(targets.data, targets.shape as [number, number], 'int32');
      return lm.loss(ids, next);
    },
  };
}
