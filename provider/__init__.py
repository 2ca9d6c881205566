"""The provider plugin `governance`: its entry point (`main`) and its adapter over the logic."""
