// WebApplicationFactory takes, and configures, the first host built in the process while it starts the sample: a test
// class building an emulator's Kestrel host at that moment would hand its host to another class's factory (seen: the
// emulator's request log captured as the sample's). The test classes run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
