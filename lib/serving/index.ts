// Serving: InferenceEndpoint on any Kubernetes cluster, SageMaker and Vertex AI, with one traffic vocabulary.
export * from './model-source';
export * from './traffic';
export * from './inference-endpoint';
export * from './kubernetes-routing';
export * from './kubernetes-variant';
export * from './kubernetes';
export * from './sagemaker-deployment';
export * from './sagemaker';
export * from './vertex';
export * from './gateway';
export * from './gateway-controller';
export * from './platform-gateway';
