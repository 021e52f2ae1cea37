"""Every sentence a student reads, in English and French, and the function that fills them in."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

LANGUAGES = ("en", "fr")

MESSAGES: dict[str, dict[str, str]] = {
    # generic check sentences
    "mismatch": {
        "en": "{where}: {what} — expected {expected}, got {actual}.",
        "fr": "{where} : {what} — attendu {expected}, obtenu {actual}.",
    },
    "ok": {
        "en": "{where}: {what} — {actual}.",
        "fr": "{where} : {what} — {actual}.",
    },
    "missing_layer": {
        "en": "{where}: missing — expected {expected}.",
        "fr": "{where} : absente — attendu {expected}.",
    },
    "wrong_type": {
        "en": "{where}: {function} returned {actual}, expected {expected}.",
        "fr": "{where} : {function} a renvoyé {actual}, attendu {expected}.",
    },
    "not_compiled": {
        "en": "{where}: the model is not compiled — expected model.compile(loss=…, metrics=['accuracy']).",
        "fr": "{where} : le modèle n'est pas compilé — attendu model.compile(loss=…, metrics=['accuracy']).",
    },
    "extra_dropout": {
        "en": "{where}: unexpected Dropout after the output layer.",
        "fr": "{where} : Dropout inattendu après la couche de sortie.",
    },
    "missing_dropout": {
        "en": "{where}: missing Dropout(rate={rate}) after hidden layer {index}.",
        "fr": "{where} : il manque Dropout(rate={rate}) après la couche cachée {index}.",
    },
    "dropout_ok": {
        "en": "{where}: a Dropout(rate={rate}) follows every hidden layer.",
        "fr": "{where} : un Dropout(rate={rate}) suit chaque couche cachée.",
    },
    # locations
    "where.output_layer": {
        "en": "{label}, output layer (Dense)",
        "fr": "{label}, couche de sortie (Dense)",
    },
    "where.layer": {
        "en": "{label}, layer {index} (Dense)",
        "fr": "{label}, couche {index} (Dense)",
    },
    "where.with_args": {
        "en": "{label} with {args}",
        "fr": "{label} avec {args}",
    },
    "where.dropout_after": {
        "en": "{label}, Dropout after hidden layer {index}",
        "fr": "{label}, Dropout après la couche cachée {index}",
    },
    "where.input_dropout": {
        "en": "{label}, input Dropout",
        "fr": "{label}, Dropout en entrée",
    },
    # subjects ("what")
    "what.dense_count": {
        "en": "number of Dense layers",
        "fr": "nombre de couches Dense",
    },
    "what.hidden_count": {
        "en": "number of hidden layers",
        "fr": "nombre de couches cachées",
    },
    "what.params": {
        "en": "parameter count",
        "fr": "nombre de paramètres",
    },
    "what.loss": {
        "en": "loss",
        "fr": "fonction de perte (loss)",
    },
    "what.metrics": {
        "en": "metrics",
        "fr": "métriques",
    },
    "what.output_activation": {
        "en": "output activation",
        "fr": "activation de sortie",
    },
    "what.learns": {
        "en": "test accuracy after {epochs} epochs on {samples} training samples",
        "fr": "taux de bonnes classifications en test après {epochs} itérations sur {samples} exemples d'apprentissage",
    },
    "what.shape": {
        "en": "shape of {name}",
        "fr": "dimensions de {name}",
    },
    "what.task": {
        "en": "task",
        "fr": "type de problème",
    },
    "what.keys": {
        "en": "keys",
        "fr": "clés",
    },
    "what.returns": {
        "en": "return value",
        "fr": "valeur renvoyée",
    },
    "what.epochs": {
        "en": "epochs trained",
        "fr": "itérations (epochs) effectuées",
    },
    "what.validation": {
        "en": "validation metrics in the History",
        "fr": "métriques de validation dans l'History",
    },
    "what.validation_fraction": {
        "en": "share of the training data held out for validation",
        "fr": "part des données d'apprentissage réservée à la validation",
    },
    "what.steps": {
        "en": "training steps per epoch",
        "fr": "pas d'apprentissage par itération",
    },
    "what.clone": {
        "en": "sklearn.base.clone",
        "fr": "sklearn.base.clone",
    },
    "what.estimator_methods": {
        "en": "scikit-learn methods",
        "fr": "méthodes scikit-learn",
    },
    "what.predict": {
        "en": "predict(X)",
        "fr": "predict(X)",
    },
    "what.score": {
        "en": "score(X, y)",
        "fr": "score(X, y)",
    },
    "what.search_type": {
        "en": "type of the returned object",
        "fr": "type de l'objet renvoyé",
    },
    "what.fitted": {
        "en": "fitted",
        "fr": "appris (fit)",
    },
    "what.folds": {
        "en": "cross-validation folds",
        "fr": "plis de validation croisée",
    },
    "what.optimizers": {
        "en": "optimizers compared",
        "fr": "algorithmes d'optimisation comparés",
    },
    "what.depths": {
        "en": "depths compared (hidden layers)",
        "fr": "profondeurs comparées (couches cachées)",
    },
    "what.widths": {
        "en": "widths compared (units per hidden layer)",
        "fr": "largeurs comparées (neurones par couche cachée)",
    },
    "what.same_network": {
        "en": "networks compared",
        "fr": "réseaux comparés",
    },
    "what.scoring": {
        "en": "scoring",
        "fr": "score (scoring)",
    },
    "what.regressor": {
        "en": "kind of estimator",
        "fr": "type d'estimateur",
    },
    "what.figure": {
        "en": "return value",
        "fr": "valeur renvoyée",
    },
    "what.curve": {
        "en": "curve of history.history['{name}']",
        "fr": "courbe de history.history['{name}']",
    },
    "what.legend": {
        "en": "legend",
        "fr": "légende",
    },
    "what.callback": {
        "en": "return value",
        "fr": "valeur renvoyée",
    },
    "what.scalar": {
        "en": "epochs of '{metric}' in the {run} event files",
        "fr": "époques de '{metric}' dans les fichiers d'événements {run}",
    },
    "value.run_training": {
        "en": "training",
        "fr": "d'entraînement",
    },
    "value.run_validation": {
        "en": "validation",
        "fr": "de validation",
    },
    "what.saved_epochs": {
        "en": "epochs at which the model was saved",
        "fr": "itérations auxquelles le modèle a été sauvegardé",
    },
    "what.stopped_after": {
        "en": "training stopped after epoch",
        "fr": "apprentissage arrêté après l'itération",
    },
    # values and phrases
    "value.not_compiled": {
        "en": "not compiled",
        "fr": "non compilé",
    },
    "value.labels": {
        "en": "{shape} class labels",
        "fr": "{shape} étiquettes de classes",
    },
    "value.not_labels": {
        "en": "(not class labels)",
        "fr": "(pas des étiquettes de classe)",
    },
    "value.accuracy_bounds": {
        "en": "0 ≤ accuracy ≤ 1",
        "fr": "0 ≤ exactitude ≤ 1",
    },
    "value.not_fitted": {
        "en": "(not fitted)",
        "fr": "(pas entraîné)",
    },
    "value.default_score": {
        "en": "None (the estimator's default score)",
        "fr": "None (le score par défaut de l'estimateur)",
    },
    "value.default_score_r2": {
        "en": "None (the estimator's default score: R²)",
        "fr": "None (le score par défaut de l'estimateur : R²)",
    },
    "value.at_least": {
        "en": "≥ {minimum} (reference: {reference})",
        "fr": "≥ {minimum} (référence : {reference})",
    },
    "value.missing_among": {
        "en": "missing (lines: {lines})",
        "fr": "absente (courbes : {lines})",
    },
    "value.none": {
        "en": "none",
        "fr": "aucun",
    },
    "value.no_stop": {
        "en": "no stop (all {epochs} epochs ran)",
        "fr": "pas d'arrêt (les {epochs} itérations ont eu lieu)",
    },
    "value.other_values": {
        "en": "{count}, but not the values of the fit",
        "fr": "{count}, mais pas les valeurs de l'apprentissage",
    },
    "value.missing": {
        "en": "missing",
        "fr": "absent",
    },
    "value.present": {
        "en": "present",
        "fr": "présent",
    },
    "value.within": {
        "en": "within {tolerance} of {target}",
        "fr": "à {tolerance} près de {target}",
    },
    "value.n_layers": {
        "en": "{total} ({hidden} hidden + output)",
        "fr": "{total} ({hidden} cachées + sortie)",
    },
    "value.fraction": {
        "en": "{percent} % ({held} of {samples} samples)",
        "fr": "{percent} % ({held} exemples sur {samples})",
    },
    "value.steps": {
        "en": "{steps} ({train} training samples at batch size {batch})",
        "fr": "{steps} ({train} exemples d'apprentissage, batchs de {batch})",
    },
    "value.softmax_or_logits": {
        "en": "'softmax' (or 'linear' with from_logits=True)",
        "fr": "'softmax' (ou 'linear' avec from_logits=True)",
    },
    "value.a_model": {
        "en": "a keras Model",
        "fr": "un Model keras",
    },
    "what.weights_kept": {
        "en": "the weights the model holds after the fit",
        "fr": "les poids du modèle après l'entraînement",
    },
    "value.epoch_weights": {
        "en": "those of epoch {epoch}",
        "fr": "ceux de l'époque {epoch}",
    },
    "value.other_weights": {
        "en": "weights of no single epoch",
        "fr": "des poids d'aucune époque",
    },
    "value.your_function": {
        "en": "your function",
        "fr": "votre fonction",
    },
    "value.a_history": {
        "en": "a keras History",
        "fr": "un History keras",
    },
    "value.an_estimator": {
        "en": "a scikit-learn estimator with fit, predict and score",
        "fr": "un estimateur scikit-learn avec fit, predict et score",
    },
    "value.a_search": {
        "en": "a fitted GridSearchCV or RandomizedSearchCV",
        "fr": "un GridSearchCV ou RandomizedSearchCV appris",
    },
    "value.a_figure": {
        "en": "a matplotlib Figure",
        "fr": "une Figure matplotlib",
    },
    "value.a_callback": {
        "en": "a keras Callback",
        "fr": "un Callback keras",
    },
    "value.regression_scoring": {
        "en": "a regression score (e.g. 'neg_mean_squared_error')",
        "fr": "un score de régression (par ex. 'neg_mean_squared_error')",
    },
    "value.regressor": {
        "en": "a regressor (continuous predictions)",
        "fr": "un régresseur (prédictions continues)",
    },
    "value.classifier": {
        "en": "a classifier (class labels)",
        "fr": "un classifieur (étiquettes de classes)",
    },
    "value.works": {
        "en": "works",
        "fr": "fonctionne",
    },
    "value.identical": {
        "en": "the same network for every candidate",
        "fr": "le même réseau pour chaque candidat",
    },
    "value.different": {
        "en": "{count} different networks",
        "fr": "{count} réseaux différents",
    },
    "value.at_least_two": {
        "en": "at least 2 different values",
        "fr": "au moins 2 valeurs différentes",
    },
    # whole-question outcomes
    "q.not_implemented": {
        "en": "not implemented yet",
        "fr": "pas encore implémentée",
    },
    "q.raised": {
        "en": "{function} raised {type}: {message}",
        "fr": "{function} a levé {type} : {message}",
    },
    "q.undescribable": {
        "en": "{function}: the grader could not read what your code returned or left ({type}: {message}).",
        "fr": "{function} : le correcteur n'a pas pu lire ce que votre code a renvoyé ou laissé ({type} : {message}).",
    },
    "q.malformed": {
        "en": "the grader could not read what your code returned: {problem}",
        "fr": "le correcteur n'a pas pu lire ce que votre code a renvoyé : {problem}",
    },
    "q.malformed_type": {
        "en": "{path} — expected {expected}, got {actual}",
        "fr": "{path} — attendu {expected}, obtenu {actual}",
    },
    "q.malformed_missing": {
        "en": "{path} is missing",
        "fr": "{path} manque",
    },
    "q.unjudgeable": {
        "en": "{where}: could not be judged — what your code returned has an unexpected form ({type}: {message}).",
        "fr": "{where} : impossible à juger — ce que votre code a renvoyé a une forme inattendue ({type} : {message}).",
    },
    "q.set_failed": {
        "en": "{where}: not judged — {message}",
        "fr": "{where} : non jugé — {message}",
    },
    "q.foreign_calls": {
        "en": "the models described are not those of the calls the grader made",
        "fr": "les modèles décrits ne sont pas ceux des appels faits par le correcteur",
    },
    "q.import_failed": {
        "en": "your file does not import: {type}: {message}",
        "fr": "votre fichier ne s'importe pas : {type} : {message}",
    },
    "q.import_failed_short": {
        "en": "not graded: your file does not import (see above)",
        "fr": "non notée : votre fichier ne s'importe pas (voir plus haut)",
    },
    "q.cell_failed": {
        "en": "{cell} does not run: {type}: {message}",
        "fr": "{cell} ne s'exécute pas : {type} : {message}",
    },
    "q.missing_function": {
        "en": "{message}",
        "fr": "{message}",
    },
    "q.timeout": {
        "en": "stopped after the time limit of {limit} while running {where}",
        "fr": "arrêtée après la limite de temps de {limit} pendant {where}",
    },
    "q.memory": {
        "en": "stopped: it used more than the memory limit of {limit} while running {where}",
        "fr": "arrêtée : elle a dépassé la limite de mémoire de {limit} pendant {where}",
    },
    "q.crashed": {
        "en": "the Python process died ({message}) while running {where}",
        "fr": "le processus Python s'est arrêté ({message}) pendant {where}",
    },
    "q.processes": {
        "en": "stopped: it started more than {limit} processes while running {where}",
        "fr": "arrêtée : plus de {limit} processus lancés pendant {where}",
    },
    "q.grader_error": {
        "en": "the grader failed on this question — this is not your fault; please tell your instructor",
        "fr": "le correcteur a échoué sur cette question — ce n'est pas de votre faute ; prévenez votre enseignant",
    },
    "q.at": {
        "en": "({location})",
        "fr": "({location})",
    },
    "skipped": {
        "en": "{where}: not checked ({reason}).",
        "fr": "{where} : non vérifié ({reason}).",
    },
    "reason.not_model": {
        "en": "no keras Model to check",
        "fr": "pas de Model keras à vérifier",
    },
    "reason.not_compiled": {
        "en": "the model is not compiled",
        "fr": "le modèle n'est pas compilé",
    },
    "reason.not_search": {
        "en": "no fitted search to check",
        "fr": "pas de recherche apprise à vérifier",
    },
    "reason.not_fitted": {
        "en": "the estimator could not be fitted",
        "fr": "l'estimateur n'a pas pu apprendre",
    },
    "reason.no_score": {
        "en": "the estimator has no score(X, y) method",
        "fr": "l'estimateur n'a pas de méthode score(X, y)",
    },
    # notes
    "note.other_versions": {
        "en": "The expected results were made with other versions of the libraries than this machine's (expected → here): {libraries}; some verdicts may be wrong. Install the versions your course gives.",
        "fr": "Les résultats attendus ont été faits avec d'autres versions des bibliothèques que celles de cette machine (attendu → ici) : {libraries} ; certains verdicts peuvent être faux. Installez les versions que donne votre cours.",
    },
    "note.keras_clone_bug": {
        "en": "keras.wrappers.SKLearnClassifier loses fit_kwargs when cloned (a keras bug): inside cross-validation each clone trains for 1 epoch. This is not held against you; pass epochs to search.fit(…) to get the epochs you want.",
        "fr": "keras.wrappers.SKLearnClassifier perd fit_kwargs quand il est cloné (un bogue de keras) : en validation croisée chaque clone n'apprend qu'une itération. Ce n'est pas compté contre vous ; passez epochs à search.fit(…) pour obtenir le nombre d'itérations voulu.",
    },
    "note.network_not_isolated": {
        "en": "The network could not be switched off for your code on this machine.",
        "fr": "Le réseau n'a pas pu être coupé pour votre code sur cette machine.",
    },
    "note.not_sandboxed": {
        "en": "This machine does not allow namespaces: your code ran without network isolation, could see the grader's processes and read the grader's files (it is graded the same way).",
        "fr": "Cette machine n'autorise pas les espaces de noms : votre code a tourné sans isolation du réseau, pouvait voir les processus du correcteur et lire ses fichiers (la correction est la même).",
    },
    "note.files_not_isolated": {
        "en": "Your code could not be given a filesystem view of its own on this machine: it could read the grader's files and run as the grader's user.",
        "fr": "Votre code n'a pas pu recevoir sa propre vue des fichiers sur cette machine : il pouvait lire les fichiers du correcteur et tournait sous son utilisateur.",
    },
    "note.link_dropped": {
        "en": "{count} is a link to something outside your folder (or to nothing): it was not copied for grading. Put the file itself in your folder.",
        "fr": "{count} est un lien vers quelque chose hors de votre dossier (ou vers rien) : il n'a pas été copié pour la correction. Mettez le fichier lui-même dans votre dossier.",
    },
    "note.file_too_large": {
        "en": "{count} is larger than 20 MB: it was not copied for grading.",
        "fr": "{count} dépasse 20 Mo : il n'a pas été copié pour la correction.",
    },
    "note.folder_truncated": {
        "en": "Your folder holds more than 2,000 files or 200 MB: the rest was not copied for grading.",
        "fr": "Votre dossier contient plus de 2 000 fichiers ou 200 Mo : le reste n'a pas été copié pour la correction.",
    },
    "note.folder_too_deep": {
        "en": "{count} is nested too deep (more than 32 folders): it was not copied for grading.",
        "fr": "{count} est trop profond (plus de 32 dossiers imbriqués) : il n'a pas été copié pour la correction.",
    },
    "note.processes_not_isolated": {
        "en": "Your code could not be given a process namespace of its own on this machine: it can see the grader's processes.",
        "fr": "Votre code n'a pas pu recevoir son propre espace de processus sur cette machine : il voit les processus du correcteur.",
    },
    "note.output_truncated": {
        "en": "Your code printed a lot: {count} bytes were cut from the output.",
        "fr": "Votre code a beaucoup affiché : {count} octets ont été coupés.",
    },
    "note.notebook_skipped": {
        "en": "Notebook: only imports, function and class definitions and constants were run; the rest of the code in {cells} was skipped (training, plots, prints, magics, shell commands). Cells are counted from the top, Markdown cells included. A function that uses a variable computed there finds it undefined: compute it inside the function or pass it as an argument.",
        "fr": "Notebook : seuls les imports, les définitions de fonctions et de classes et les constantes ont été exécutés ; le reste du code ({cells}) a été ignoré (apprentissages, graphiques, print, commandes magiques, commandes shell). Les cellules sont comptées depuis le haut, cellules Markdown comprises. Une fonction qui utilise une variable calculée là la trouve non définie : calculez-la dans la fonction ou passez-la en argument.",
    },
    "note.notebook_full": {
        "en": "Notebook run in full: every code cell, in order.",
        "fr": "Notebook exécuté en entier : toutes les cellules de code, dans l'ordre.",
    },
    "note.cell_broken": {
        "en": "{cell} does not run: {type}: {message} ({location}). What it defines ({functions}) is missing: only the questions that need it are not graded, the rest of the notebook is.",
        "fr": "{cell} ne s'exécute pas : {type} : {message} ({location}). Ce qu'elle définit ({functions}) manque : seules les questions qui en ont besoin ne sont pas notées, le reste du notebook l'est.",
    },
    "note.cell_broken_nothing": {
        "en": "{cell} does not run: {type}: {message} ({location}). It defines no graded function: the rest of the notebook is graded.",
        "fr": "{cell} ne s'exécute pas : {type} : {message} ({location}). Elle ne définit aucune fonction notée : le reste du notebook est noté.",
    },
    "note.kernel_history": {
        "en": "Graded what this kernel has run, In [{first}]–In [{last}], in the order it ran: only the definitions (imports, functions, classes, constants). Training, plots, prints and shell lines were not run again, and your kernel was not touched.",
        "fr": "Corrigé d'après ce que ce noyau a exécuté, In [{first}]–In [{last}], dans l'ordre d'exécution : seulement les définitions (imports, fonctions, classes, constantes). Les apprentissages, graphiques, print et commandes shell n'ont pas été relancés, et votre noyau n'a pas été modifié.",
    },
    "jupyter.submission": {
        "en": "this Jupyter kernel (In [1]–In [{last}])",
        "fr": "ce noyau Jupyter (In [1]–In [{last}])",
    },
    "note.kernel_saved": {
        "en": "This kernel's input history is not available: the saved file {name} was graded instead (save the notebook to grade your latest changes).",
        "fr": "L'historique des entrées de ce noyau n'est pas disponible : c'est le fichier enregistré {name} qui a été corrigé (enregistrez le notebook pour corriger vos dernières modifications).",
    },
    "note.notebook_full_shell": {
        "en": "Notebook run in full: every code cell, in order, except the shell commands (!…, %pip…) in {cells}, which the grader never runs.",
        "fr": "Notebook exécuté en entier : toutes les cellules de code, dans l'ordre, sauf les commandes shell (!…, %pip…) ({cells}), que le correcteur n'exécute jamais.",
    },
    "notebook.not_json": {
        "en": "{name} is not a valid notebook: it is not JSON ({detail}). It may have been saved incompletely: open it in Jupyter and save it again, or restore a previous version.",
        "fr": "{name} n'est pas un notebook valide : ce n'est pas du JSON ({detail}). Il a peut-être été mal enregistré : ouvrez-le dans Jupyter et enregistrez-le à nouveau, ou reprenez une version précédente.",
    },
    "notebook.invalid": {
        "en": "{name} is not a valid notebook ({detail}). Open it in Jupyter and save it again.",
        "fr": "{name} n'est pas un notebook valide ({detail}). Ouvrez-le dans Jupyter et enregistrez-le à nouveau.",
    },
    "notebook.empty": {
        "en": "{name} is empty: it has no cells.",
        "fr": "{name} est vide : il n'a aucune cellule.",
    },
    "notebook.no_code": {
        "en": "{name} has no code cells: write your functions in code cells, not in Markdown cells.",
        "fr": "{name} n'a aucune cellule de code : écrivez vos fonctions dans des cellules de code, pas dans des cellules Markdown.",
    },
    "note.both_submissions": {
        "en": "Graded {graded}; {other} is in the same folder too (without --submission, the one saved last is graded).",
        "fr": "{graded} a été corrigé ; {other} est aussi dans le dossier (sans --submission, c'est le dernier enregistré qui est corrigé).",
    },
    "hint.relu": {
        "en": "A hidden layer needs a non-linear activation, the rectified linear unit: see the activation argument on keras's Dense layer page, and section 2 of the lab sheet.",
        "fr": "Une couche cachée a besoin d'une activation non linéaire, l'unité linéaire rectifiée : voyez l'argument activation sur la page de la couche Dense de keras, et la partie 2 de l'énoncé.",
    },
    # report phrases
    "report.score": {
        "en": "Score",
        "fr": "Note",
    },
    "report.summary": {
        "en": "{passed} of {total} questions passed — {score} / {max_score}",
        "fr": "questions réussies : {passed} sur {total} — {score} / {max_score}",
    },
    "report.summary_public": {
        "en": "{passed} of {total} questions passed all public checks — {score} / {max_score}",
        "fr": "questions réussissant tous les tests publics : {passed} sur {total} — {score} / {max_score}",
    },
    "note.public_only": {
        "en": "Graded with the public checks only. Instructor grading also calls your functions with other arguments (other shapes, sizes, epochs, paths…): make them work for any arguments, not just the ones above.",
        "fr": "Corrigé avec les tests publics seulement. La correction de l'enseignant appelle aussi vos fonctions avec d'autres arguments (autres formes, tailles, epochs, chemins…) : faites-les marcher pour tous les arguments, pas seulement ceux ci-dessus.",
    },
    "report.more": {
        "en": "… and {count} more",
        "fr": "… et {count} de plus",
    },
    "report.status.passed": {
        "en": "passed",
        "fr": "réussie",
    },
    "report.status.failed": {
        "en": "failed",
        "fr": "échouée",
    },
    "report.status.not_implemented": {
        "en": "not implemented",
        "fr": "non implémentée",
    },
    "report.status.error": {
        "en": "error",
        "fr": "erreur",
    },
    "report.status.timeout": {
        "en": "timeout",
        "fr": "temps dépassé",
    },
    "report.status.memory": {
        "en": "memory",
        "fr": "mémoire",
    },
    "report.status.crashed": {
        "en": "crashed",
        "fr": "plantage",
    },
    "report.status.grader_error": {
        "en": "grader error",
        "fr": "erreur du correcteur",
    },
    "report.status.skipped": {
        "en": "not checked",
        "fr": "non vérifiée",
    },
    "q.location": {
        "en": "{file}, line {line}",
        "fr": "{file}, ligne {line}",
    },
    "file.cell": {
        "en": "cell {number}",
        "fr": "cellule {number}",
    },
    "file.cell_first": {  # starting a sentence
        "en": "Cell {number}",
        "fr": "Cellule {number}",
    },
    "value.cells_one": {
        "en": "cell {cells}",
        "fr": "cellule {cells}",
    },
    "value.cells_many": {
        "en": "cells {cells}",
        "fr": "cellules {cells}",
    },
    "report.frame": {
        "en": "{file}, line {line}, in {function}",
        "fr": "{file}, ligne {line}, dans {function}",
    },
    "report.hint": {
        "en": "Hint: {hint}",
        "fr": "Indice : {hint}",
    },
    "report.note": {
        "en": "note: {note}",
        "fr": "remarque : {note}",
    },
    "report.grader_failed": {
        "en": "The grader could not grade this submission: {reason}. This is not your fault.",
        "fr": "Le correcteur n'a pas pu corriger ce rendu : {reason}. Ce n'est pas de votre faute.",
    },
    "report.not_graded": {
        "en": "Not graded: {reason}.",
        "fr": "Non corrigé : {reason}.",
    },
    # HTML, JUnit, Gradescope and GitHub reports
    "html.title": {
        "en": "Grading report — {assignment}",
        "fr": "Rapport de correction — {assignment}",
    },
    "html.submission": {
        "en": "Submission",
        "fr": "Rendu",
    },
    "disclosure.hidden_failed": {
        "en": "A hidden case (your function called with other arguments) fails: {what}. Make it work for any arguments, not just the lab's own call.",
        "fr": "Un cas caché (votre fonction appelée avec d'autres arguments) échoue : {what}. Faites-la marcher pour tous les arguments, pas seulement pour l'appel de l'énoncé.",
    },
    "disclosure.hidden_raised": {
        "en": "With other arguments (a hidden case) your function raised {kind}: make it work for any arguments, not just the lab's own call.",
        "fr": "Avec d'autres arguments (un cas caché), votre fonction a levé {kind} : faites-la marcher pour tous les arguments, pas seulement pour l'appel de l'énoncé.",
    },
    "disclosure.output_hidden": {
        "en": "What your code printed is not shown: it also ran with hidden arguments. Run it yourself to see its output.",
        "fr": "Ce que votre code a affiché n'est pas montré : il a aussi tourné avec des arguments cachés. Lancez-le vous-même pour voir sa sortie.",
    },
    "q.fix_used_first": {
        "en": "{function} uses your {used}: fix {question} first.",
        "fr": "{function} utilise votre {used} : corrigez d'abord {question}.",
    },
    "disclosure.where_what": {
        "en": "{where}: {what}",
        "fr": "{where} : {what}",
    },
    "disclosure.not_matched": {
        "en": "{what} — not as the lab asks.",
        "fr": "{what} — pas comme l'énoncé le demande.",
    },
    "disclosure.hidden_passed": {
        "en": "A hidden case (other arguments): {what} — passed.",
        "fr": "Un cas caché (d'autres arguments) : {what} — réussi.",
    },
    "report.also": {
        "en": "(the same in {count} more place(s): other layers or argument sets)",
        "fr": "(de même à {count} autre(s) endroit(s) : autres couches ou jeux d'arguments)",
    },
    "html.more_layers": {
        "en": "The layers of {count} more call(s): {labels}",
        "fr": "Les couches de {count} autre(s) appel(s) : {labels}",
    },
    "report.also_where": {
        "en": "(also {where})",
        "fr": "(de même {where})",
    },
    "report.also_and": {
        "en": " and ",
        "fr": " et ",
    },
    "report.also_layer": {
        "en": "on layer {layers}",
        "fr": "à la couche {layers}",
    },
    "report.also_layers": {
        "en": "on layers {layers}",
        "fr": "aux couches {layers}",
    },
    "report.also_calls_one": {
        "en": "in 1 other call",
        "fr": "dans 1 autre appel",
    },
    "report.also_calls": {
        "en": "in {count} other calls",
        "fr": "dans {count} autres appels",
    },
    "report.also_sets_one": {
        "en": "with 1 other argument set",
        "fr": "avec 1 autre jeu d'arguments",
    },
    "report.also_sets": {
        "en": "with {count} other argument sets",
        "fr": "avec {count} autres jeux d'arguments",
    },
    "report.also_places_one": {
        "en": "in 1 more place",
        "fr": "à 1 autre endroit",
    },
    "report.also_places": {
        "en": "in {count} more places",
        "fr": "à {count} autres endroits",
    },
    "review.title": {
        "en": "Needs review: this submission reaches into the grader ({count} finding(s)); the grade is not changed by this, an instructor decides.",
        "fr": "À examiner : ce rendu s'en prend au correcteur ({count} constat(s)) ; la note n'en est pas changée, un enseignant décide.",
    },
    "review.kind.grader": {
        "en": "the grader's own code",
        "fr": "le code du correcteur",
    },
    "review.kind.low-level": {
        "en": "low-level access (ctypes, marshal)",
        "fr": "un accès bas niveau (ctypes, marshal)",
    },
    "review.kind.interpreter": {
        "en": "the interpreter's internals",
        "fr": "les entrailles de l'interpréteur",
    },
    "review.kind.dynamic-code": {
        "en": "code made at run time",
        "fr": "du code fabriqué à l'exécution",
    },
    "review.kind.grader-files": {
        "en": "the grader's files or /proc",
        "fr": "les fichiers du correcteur ou /proc",
    },
    "review.static": {
        "en": "read in the file",
        "fr": "lu dans le fichier",
    },
    "review.run": {
        "en": "seen while it ran",
        "fr": "vu pendant l'exécution",
    },
    "review.evidence": {
        "en": "{where}: {detail} — {kind} ({how})",
        "fr": "{where} : {detail} — {kind} ({how})",
    },
    "review.column": {
        "en": "needs review",
        "fr": "à examiner",
    },
    "review.line": {
        "en": "line {line}",
        "fr": "ligne {line}",
    },
    "review.summary_title": {
        "en": "Needs review",
        "fr": "À examiner",
    },
    "review.summary_none": {
        "en": "No submission reaches into the grader.",
        "fr": "Aucun rendu ne s'en prend au correcteur.",
    },
    "html.total": {
        "en": "Total",
        "fr": "Total",
    },
    "html.passed_count": {
        "en": "{passed} of {total} questions passed",
        "fr": "questions réussies : {passed} sur {total}",
    },
    "html.passed_count_public": {
        "en": "{passed} of {total} questions passed all public checks",
        "fr": "questions réussissant tous les tests publics : {passed} sur {total}",
    },
    "html.questions": {
        "en": "Questions",
        "fr": "Questions",
    },
    "html.question": {
        "en": "Question",
        "fr": "Question",
    },
    "html.points": {
        "en": "Points",
        "fr": "Points",
    },
    "html.status": {
        "en": "Status",
        "fr": "Statut",
    },
    "html.checks": {
        "en": "Checks: {passed} of {total} passed",
        "fr": "Vérifications : {passed} réussies sur {total}",
    },
    "html.item": {
        "en": "Item",
        "fr": "Élément",
    },
    "html.expected": {
        "en": "Expected",
        "fr": "Attendu",
    },
    "html.got": {
        "en": "Got",
        "fr": "Obtenu",
    },
    "html.layers": {
        "en": "Layers, expected and got side by side",
        "fr": "Couches, attendu et obtenu côte à côte",
    },
    "html.layer": {
        "en": "Layer",
        "fr": "Couche",
    },
    "html.traceback": {
        "en": "Where your code raised (your own lines only)",
        "fr": "Où votre code a levé l'exception (vos propres lignes seulement)",
    },
    "html.figure": {
        "en": "Your figure",
        "fr": "Votre figure",
    },
    "html.figure_alt": {
        "en": "The figure drawn by your function",
        "fr": "La figure tracée par votre fonction",
    },
    "html.output": {
        "en": "What your code printed",
        "fr": "Ce que votre code a affiché",
    },
    "html.notes": {
        "en": "Notes",
        "fr": "Remarques",
    },
    "html.answers": {
        "en": "Written answers (graded by hand)",
        "fr": "Réponses rédigées (notées à la main)",
    },
    "html.answers_none": {
        "en": "No written answers were found (the ANSWERS dictionary).",
        "fr": "Aucune réponse rédigée n'a été trouvée (le dictionnaire ANSWERS).",
    },
    "html.manual_points": {
        "en": "Points:",
        "fr": "Points :",
    },
    "html.limits": {
        "en": "Skipped or limited",
        "fr": "Non vérifié ou limité",
    },
    "html.passed_checks": {
        "en": "Passed checks ({count})",
        "fr": "Vérifications réussies ({count})",
    },
    "html.footer": {
        "en": "Grader {version} · graded in {duration} s",
        "fr": "Correcteur {version} · corrigé en {duration} s",
    },
    "html.back": {
        "en": "Back to the summary",
        "fr": "Retour au résumé",
    },
    "md.failed_checks": {
        "en": "Failed checks",
        "fr": "Vérifications échouées",
    },
    "where.model_call": {
        "en": "{label}, model(x) on {batch} samples",
        "fr": "{label}, model(x) sur {batch} exemples",
    },
    "where.train_step": {
        "en": "{label}, one training step on {batch} samples",
        "fr": "{label}, une étape d'apprentissage sur {batch} exemples",
    },
    "what.output_shape": {
        "en": "output shape",
        "fr": "forme de la sortie",
    },
    "what.probabilities": {
        "en": "output rows",
        "fr": "lignes de la sortie",
    },
    "what.training_step": {
        "en": "weights",
        "fr": "poids",
    },
    "value.rows_sum_to_one": {
        "en": "probabilities summing to 1",
        "fr": "des probabilités de somme 1",
    },
    "value.rows_do_not_sum_to_one": {
        "en": "rows that do not sum to 1",
        "fr": "des lignes dont la somme n'est pas 1",
    },
    "value.logits": {
        "en": "logits (from_logits=True)",
        "fr": "des logits (from_logits=True)",
    },
    "value.weights_changed": {
        "en": "changed",
        "fr": "modifiés",
    },
    "value.weights_unchanged": {
        "en": "unchanged",
        "fr": "inchangés",
    },
    "value.train_error": {
        "en": "the step failed ({error})",
        "fr": "l'étape a échoué ({error})",
    },
    "reason.not_run": {
        "en": "the model was not run",
        "fr": "le modèle n'a pas été exécuté",
    },
    "html.subject": {
        "en": "the question's subject",
        "fr": "sujet de la question",
    },
    "junit.criterion": {
        "en": "Criterion: {title} — {score}/{points}",
        "fr": "Critère : {title} — {score}/{points}",
    },
    "html.criteria": {
        "en": "Criteria",
        "fr": "Critères",
    },
    "html.criterion_checks": {
        "en": "{failed} of {total} checks failed",
        "fr": "{failed} vérifications échouées sur {total}",
    },
    "html.criterion_passed": {
        "en": "all {total} checks passed",
        "fr": "les {total} vérifications sont réussies",
    },
    # layer stacks, weights and arrays (grader/checks/layers.py, grader/checks/arrays.py)
    "where.layer_kind": {
        "en": "{label}, layer {index} ({kind})",
        "fr": "{label}, couche {index} ({kind})",
    },
    "report.layers": {
        "en": "Layers of your model ({label}); ≠ marks a row that differs from the reference's:",
        "fr": "Couches de votre modèle ({label}) ; ≠ marque une ligne qui diffère de celle de la référence :",
    },
    "report.layers_reference": {
        "en": "reference",
        "fr": "référence",
    },
    "where.output": {
        "en": "{label}, output layer",
        "fr": "{label}, couche de sortie",
    },
    "where.array": {
        "en": "{label}, {name}",
        "fr": "{label}, {name}",
    },
    "what.layers": {
        "en": "layers",
        "fr": "couches",
    },
    "what.kind_count": {
        "en": "{kind} layers",
        "fr": "couches {kind}",
    },
    "what.trainable_params": {
        "en": "trainable parameters",
        "fr": "paramètres entraînables",
    },
    "what.non_trainable_params": {
        "en": "frozen (non-trainable) parameters",
        "fr": "paramètres gelés (non entraînables)",
    },
    "what.added_layers": {
        "en": "layers added after the base model",
        "fr": "couches ajoutées après le modèle de base",
    },
    "what.base_trainable": {
        "en": "trainable parameters of the base model",
        "fr": "paramètres entraînables du modèle de base",
    },
    "what.base_changed": {
        "en": "parameters of the base model changed",
        "fr": "paramètres du modèle de base modifiés",
    },
    "what.optimizer": {
        "en": "optimizer",
        "fr": "optimiseur",
    },
    "what.output_values": {
        "en": "output",
        "fr": "sortie",
    },
    "what.binary_output": {
        "en": "output for two classes",
        "fr": "sortie pour deux classes",
    },
    "what.array_shape": {
        "en": "shape",
        "fr": "forme",
    },
    "what.value_range": {
        "en": "range of the values [min, max]",
        "fr": "étendue des valeurs [min, max]",
    },
    "what.value_mean": {
        "en": "mean of the values",
        "fr": "moyenne des valeurs",
    },
    "what.rows": {
        "en": "rows",
        "fr": "lignes",
    },
    "what.array_form": {
        "en": "preprocessing",
        "fr": "prétraitement",
    },
    "output_varies": {
        "en": "{where}: the output depends on the input.",
        "fr": "{where} : la sortie dépend de l'entrée.",
    },
    "constant_softmax": {
        "en": "{where}: softmax over 1 unit always outputs 1 — use sigmoid, or 2 units.",
        "fr": "{where} : un softmax sur 1 neurone vaut toujours 1 — utilisez sigmoid, ou 2 neurones.",
    },
    "value.at_least_n": {
        "en": "at least {count}",
        "fr": "au moins {count}",
    },
    "value.base_used": {
        "en": "used by the returned model",
        "fr": "utilisé par le modèle renvoyé",
    },
    "what.base": {
        "en": "the base model",
        "fr": "le modèle de base",
    },
    "value.base_unused": {
        "en": "the base model is not used by the returned model",
        "fr": "le modèle de base n'est pas utilisé par le modèle renvoyé",
    },
    "value.base_not_used": {
        "en": "not used (the returned model holds none of its weights)",
        "fr": "pas utilisé (le modèle renvoyé ne contient aucun de ses poids)",
    },
    "value.n_params": {
        "en": "{count} parameters",
        "fr": "{count} paramètres",
    },
    "value.varies": {
        "en": "values that vary with the input",
        "fr": "des valeurs qui varient avec l'entrée",
    },
    "value.always": {
        "en": "always {value}, whatever the input",
        "fr": "toujours {value}, quelle que soit l'entrée",
    },
    "value.binary_output": {
        "en": "Dense(1, activation='sigmoid') + 'binary_crossentropy', or Dense(2, activation='softmax') + a categorical loss",
        "fr": "Dense(1, activation='sigmoid') + 'binary_crossentropy', ou Dense(2, activation='softmax') + une perte catégorielle",
    },
    "value.an_array": {
        "en": "an array of shape {shape}",
        "fr": "un tableau de forme {shape}",
    },
    "value.one_hot": {
        "en": "one-hot rows of the labels",
        "fr": "des lignes one-hot des étiquettes",
    },
    "value.not_one_hot": {
        "en": "not one-hot rows (shape {shape})",
        "fr": "des lignes qui ne sont pas one-hot (forme {shape})",
    },
    "value.other_labels": {
        "en": "one-hot rows of other labels (or another order)",
        "fr": "des lignes one-hot d'autres étiquettes (ou dans un autre ordre)",
    },
    "value.form_unknown": {
        "en": "none of the known forms",
        "fr": "aucune des formes connues",
    },
    "reason.other_layers": {
        "en": "the layers differ (see the layers check)",
        "fr": "les couches diffèrent (voir la vérification des couches)",
    },
    "reason.not_array": {
        "en": "not an array",
        "fr": "pas un tableau",
    },
    "reason.other_shape": {
        "en": "the shape differs",
        "fr": "la forme diffère",
    },
}

CATALOG: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {lang: MappingProxyType({key: texts[lang] for key, texts in MESSAGES.items()})
     for lang in LANGUAGES}
)


Catalog = Mapping[str, Mapping[str, str]]  # {"en": {key: sentence}, "fr": {…}}


def lookup(lang: str, key: str, messages: Catalog | None = None) -> str:
    """Return the template `key` in `lang`, from an assignment's catalogue first, else ''.

    Missing in `lang`, the English one is used.
    """
    for catalog in (messages or {}, CATALOG):
        template = (catalog.get(lang) or {}).get(key) or (catalog.get("en") or {}).get(key)
        if template:
            return template
    return ""


def translate(lang: str, key: str, messages: Catalog | None = None, /, **params: Any) -> str:
    """Return the sentence `key` in `lang` (English when missing), with params filled in.

    `messages` is an assignment's own catalogue, looked up before the engine's.
    """
    template = lookup(lang, key, messages)
    if not template:
        raise KeyError(f"no message {key!r}")
    return template.format(**params)


def assignment_messages(module: str) -> Catalog:
    """Return an assignment's own catalogue (its optional `messages` module's MESSAGES)."""
    try:
        found = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return MappingProxyType({})
    table = getattr(found, "MESSAGES", {})
    if table and not set(table) <= set(LANGUAGES):  # {key: {"en": …, "fr": …}}, side by side
        table = {lang: {key: texts[lang] for key, texts in table.items() if lang in texts}
                 for lang in LANGUAGES}
    return MappingProxyType({lang: MappingProxyType(dict(texts)) for lang, texts in table.items()})


def code(value: Any) -> str:
    """Write a value as code writes it: strings quoted, tuples and lists as literals."""
    if isinstance(value, list):
        return "[" + ", ".join(code(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value)


def shape_code(shape: Any) -> str:
    """Write a shape as a tuple literal, e.g. (200, 28, 28, 1)."""
    if not isinstance(shape, list):
        return code(shape)
    return "(" + ", ".join(code(v) for v in shape) + ("," if len(shape) == 1 else "") + ")"
