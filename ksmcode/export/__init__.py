"""Writers: exporters serialise, they never compute."""
