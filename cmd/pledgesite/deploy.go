package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"pledgesite/generator"
	"pledgesite/generator/config"
	"pledgesite/generator/deploy"
	"pledgesite/generator/diag"
)

func cmdDeploy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("deploy", "Commit the built site to a branch of a git remote, on top of its history, and push it\n"+
		"(GitHub Pages style), with .nojekyll and the cname of site.yaml. Builds the site first unless --dir is given.\n"+
		"Only a temporary repository is written to: the working tree, index and branches are left alone.\n"+
		"Refuses to run when content/, pledges/, themes/ or site.yaml have uncommitted changes.", stderr)
	source := fs.String("source", ".", "source root: the folder with site.yaml, content/, pledges/ and themes/, in a git checkout")
	dir := fs.String("dir", "", "deploy this site folder (e.g. public) instead of building, when `pledgesite build` made it from the sources as they are")
	asIs := fs.Bool("as-is", false, "with --dir: deploy the folder even when it is not known to be the build of the sources as they are (the commit message says so)")
	remote := fs.String("remote", deploy.DefaultRemote, "remote name of the source repository, or a URL or path")
	branch := fs.String("branch", deploy.DefaultBranch, "branch to commit to; created when missing")
	message := fs.String("message", "", `commit message (default "Deploy <source commit> from <source branch>")`)
	baseURL := fs.String("base-url", "", "URL the site is published at, overriding site.yaml (only when building)")
	sass := fs.String("sass", "", "Dart Sass binary (default $DART_SASS_BINARY, then node_modules/; only when building)")
	allowDirty := fs.Bool("allow-dirty", false, "deploy even though the sources have uncommitted changes")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir != "" && (*baseURL != "" || *sass != "") {
		return fmt.Errorf("%w: --base-url and --sass apply only when deploy builds the site, not with --dir", errUsage)
	}
	if *asIs && *dir == "" {
		return fmt.Errorf("%w: --as-is applies only with --dir", errUsage)
	}
	if err := folders(*source, "", *baseURL); err != nil {
		return err
	}
	cfg, errs := config.Load(os.DirFS(*source))
	if len(errs) > 0 {
		printDiagnostics(stderr, errs, *source, diag.FormatText)
		return errs
	}
	opt := deploy.Options{
		Repo:       *source,
		Dir:        *dir,
		Remote:     *remote,
		Branch:     *branch,
		Message:    *message,
		CNAME:      cfg.CNAME,
		AllowDirty: *allowDirty,
	}
	// Refuse (a bad branch, an unknown remote, uncommitted sources) before
	// spending time on a build.
	if err := deploy.Check(ctx, opt); err != nil {
		return deployError(err)
	}
	// A folder is published as the build of the current commit only when
	// the stamp of the build that made it says it is: a site built before
	// a pull, on another branch or before a failed build would otherwise
	// go out under this commit's name.
	if opt.Dir != "" {
		if _, err := deploy.CheckBuilt(opt.Dir); err != nil {
			return err
		}
	}
	if opt.Dir != "" && !generator.Current(generator.Config{Source: *source, Dest: opt.Dir}) {
		if !*asIs {
			return fmt.Errorf("%s is not known to be the build of the sources as they are now (it was built from other sources or settings, or by another pledgesite, or changed since): run `pledgesite build` and deploy again, leave out --dir so that deploy builds the site, or pass --as-is to publish the folder as it is", opt.Dir)
		}
		opt.Unverified = true
	}
	if opt.Dir == "" {
		tmp, err := os.MkdirTemp("", "pledgesite-deploy-site-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		opt.Dir = filepath.Join(tmp, "public")
		st, err := generator.Build(ctx, generator.Config{Source: *source, Dest: opt.Dir, BaseURL: *baseURL, SassBinary: *sass, NoStamp: true})
		if err != nil {
			var list diag.List
			if errors.As(err, &list) {
				printDiagnostics(stderr, list, *source, diag.FormatText)
				fmt.Fprintf(stderr, "build failed: %s; nothing deployed\n", count(len(list)))
			}
			return err
		}
		fmt.Fprintf(stdout, "built %d pages, %d files (%s) in %s\n", st.Pages, st.Files, size(st.Bytes), st.Duration.Round(1e6))
	}
	res, err := deploy.Deploy(ctx, opt)
	if err != nil {
		return deployError(err)
	}
	if res.Unchanged {
		fmt.Fprintf(stdout, "nothing to deploy: %s already holds this site (%s at %s)\n", res.Branch, deploy.Short(res.Commit), res.Remote)
		return nil
	}
	parent := "new branch"
	if res.Parent != "" {
		parent = "parent " + deploy.Short(res.Parent)
	}
	fmt.Fprintf(stdout, "pushed %s to %s %s (%d files; %s)\n", deploy.Short(res.Commit), res.Remote, res.Branch, res.Files, parent)
	return nil
}

// deployError marks a bad --branch or --remote as a usage error.
func deployError(err error) error {
	if errors.Is(err, deploy.ErrInvalidBranch) || errors.Is(err, deploy.ErrRemote) {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	return err
}
