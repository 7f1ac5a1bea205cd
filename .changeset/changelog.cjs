module.exports = { getReleaseLine: async (c) => '- ' + c.summary, getDependencyReleaseLine: async () => '' };
