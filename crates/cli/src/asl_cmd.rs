//! `stepbridge run` and `stepbridge validate`.

use clap::Args;

#[derive(Args)]
pub struct RunArgs {
    /// State machine definition (JSON or YAML file).
    pub definition: String,
    /// Execution input: a file path or inline JSON.
    #[arg(long)]
    pub input: Option<String>,
    /// Step Functions Local MockConfigFile.
    #[arg(long)]
    pub mock_config: Option<String>,
    /// Test case of the mock config to use.
    #[arg(long)]
    pub test_case: Option<String>,
    /// State machine entry of the mock config (default: the definition file's name).
    #[arg(long)]
    pub state_machine: Option<String>,
    /// Include the execution history events in the output.
    #[arg(long)]
    pub history: bool,
}

#[derive(Args)]
pub struct ValidateArgs {
    /// State machine definition (JSON or YAML file).
    pub definition: String,
}

pub fn run(_args: RunArgs) -> u8 {
    unimplemented!("being written")
}

pub fn validate(_args: ValidateArgs) -> u8 {
    unimplemented!("being written")
}
