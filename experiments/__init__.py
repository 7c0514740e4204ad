"""Everything that runs the model: scenarios, runs, designs, analyses, reports and the CLI."""
