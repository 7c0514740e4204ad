"""Every file a user writes (scenarios, sweep specs, hypothesis files, targets): read and validated."""
