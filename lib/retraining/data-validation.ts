import { Validator } from '../core/errors';
import { checkPinnedImage } from '../core/images';

/** Props for {@link DataValidation.greatExpectations}. */
export interface GreatExpectationsValidationProps {
  /** An image with Great Expectations 1.x and your project (its `gx/` folder), pinned by tag or digest. */
  readonly image: string;
  /** The Checkpoint to run; its validation definitions name the suite and the batch. */
  readonly checkpoint: string;
  /** Where the GX project lives in the image. @default '/gx' */
  readonly projectDir?: string;
}

/**
 * How the first step proves the training data is fit to train on. The step fails the run (no training, no
 * registration) when an expectation is broken.
 */
export abstract class DataValidation {
  /**
   * A Great Expectations Checkpoint, by reference: the suite lives in your image's GX project. The step reads
   * the dataset from `ML_DATASET_URI` at `ML_DATASET_VERSION` (your data source config reads them) and exits 1
   * when the Checkpoint's result is not successful.
   */
  public static greatExpectations(props: GreatExpectationsValidationProps): DataValidation {
    return new GreatExpectationsValidation(props);
  }

  /** The image that runs the step. */
  public abstract readonly image: string;
  /** Checks the props. */
  public abstract validate(v: Validator, prop: string): void;
  /** The container command. */
  public abstract command(): string[];
}

class GreatExpectationsValidation extends DataValidation {
  public readonly image: string;

  constructor(private readonly props: GreatExpectationsValidationProps) {
    super();
    this.image = props?.image;
  }

  public validate(v: Validator, prop: string): void {
    checkPinnedImage(v, `${prop}.image`, this.props?.image);
    v.matches(`${prop}.checkpoint`, this.props?.checkpoint, /^[A-Za-z0-9][-A-Za-z0-9_. ]{0,127}$/, 'must name a Checkpoint of the GX project');
    v.matches(`${prop}.projectDir`, this.props?.projectDir, /^\/[^\s"'\\]*$/, 'must be an absolute path without quotes or spaces');
  }

  public command(): string[] {
    return ['python3', '-c', greatExpectationsScript(this.props.checkpoint, this.props.projectDir ?? '/gx')];
  }
}

/**
 * Runs one Checkpoint of a file-backed GX 1.x project and exits 1 unless it succeeded. GX 1.x has no CLI
 * (`great_expectations checkpoint run` was removed): Checkpoints are run through the Data Context.
 */
export function greatExpectationsScript(checkpoint: string, projectDir: string): string {
  return [
    'import sys',
    'import great_expectations as gx',
    `context = gx.get_context(mode="file", project_root_dir=${JSON.stringify(projectDir)})`,
    `result = context.checkpoints.get(${JSON.stringify(checkpoint)}).run()`,
    'print(result.describe() if hasattr(result, "describe") else result)',
    'if not result.success:',
    `    print("expectations failed in checkpoint %s: the data is not trained on" % ${JSON.stringify(checkpoint)}, file=sys.stderr)`,
    '    sys.exit(1)',
    '',
  ].join('\n');
}
