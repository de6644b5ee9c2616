// The monitoring capability: MonitoringStack on any Kubernetes target, and the managed variants.
export * from './thresholds';
export * from './metrics';
export * from './rules';
export * from './receivers';
export * from './scrape';
export * from './dashboards';
export * from './images';
export * from './prometheus';
export * from './alertmanager';
export * from './grafana';
export * from './dcgm-exporter';
export * from './drift-job';
export * from './network-policies';
export * from './workloads';
export * from './monitoring-stack';
export * from './amp';
export * from './gmp';
