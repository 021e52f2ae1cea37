"""TD keras & perceptron multi-couches / Lab: keras & multi-layer perceptrons.

FR : Complétez les fonctions q1 à q14 ci-dessous (chacune remplace son `raise NotImplementedError`).
Chargez les données avec le module fourni `dataset_utils` (`prepare_mnist`, `prepare_boston`).
Chaque fonction reçoit ses données et ses budgets (epochs, batch_size, cv) en arguments et
renvoie un objet neuf : n'utilisez pas de variables globales calculées au niveau du module. Le
correcteur appelle vos fonctions avec peu de données et peu d'epochs. Étiquettes MNIST : one-hot
(n, 10) comme renvoyées par `prepare_mnist`, sauf pour les modèles scikit-learn (q8, q9) qui
prennent des entiers de forme (n,). Les réponses rédigées vont dans `ANSWERS`. `grade` vérifie
vos fonctions avec les arguments de l'énoncé et d'autres (autres input_dim, n_classes, epochs…) ;
la correction de l'enseignant les appelle aussi avec des arguments que vous ne voyez pas :
n'écrivez jamais 784 ou 10 en dur, utilisez les arguments.

EN: Complete functions q1 to q14 below (each replaces its `raise NotImplementedError`). Load the
data with the provided `dataset_utils` module (`prepare_mnist`, `prepare_boston`). Every function
takes its data and budgets (epochs, batch_size, cv) as arguments and returns a fresh object: do
not rely on globals computed by top-level code. The grader calls your functions on small data
with few epochs. MNIST labels are one-hot (n, 10) as returned by `prepare_mnist`, except for the
scikit-learn models (q8, q9), which take integer labels of shape (n,). Written answers go in
`ANSWERS`. `grade` checks your functions with the contract's arguments and others (other
input_dim, n_classes, epochs…); instructor grading also calls them with arguments you do not see:
never hard-code 784 or 10, use the arguments.

Keras 3 (TensorFlow backend), scikit-learn, scikeras (if installed), matplotlib and numpy may be
imported, at the top of this file or inside the functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import keras
    import numpy as np
    from matplotlib.figure import Figure
    from sklearn.base import BaseEstimator
    from sklearn.model_selection import GridSearchCV, RandomizedSearchCV

# Réponses rédigées, indexées par numéro de question / free-text answers keyed by question id,
# e.g. {"q1": "prepare_mnist ...", "q4": "...", "q5": "..."}. Non notées automatiquement :
# l'enseignant les lit / not auto-graded: shown to the instructor, who may award points.
ANSWERS: dict[str, str] = {}


def describe_datasets() -> dict:
    """Q1 — Décrire les jeux de données / Describe the datasets.

    FR : Observez `prepare_mnist` et `prepare_boston` (module `dataset_utils`). Que font-elles ?
    Renvoyez `{"mnist": {...}, "boston": {...}}` où chaque entrée donne les formes (tuples) de
    `x_train`, `y_train`, `x_test`, `y_test` telles que renvoyées par `dataset_utils`, et `"task"` :
    `"classification"` ou `"regression"`.

    EN: Read `prepare_mnist` and `prepare_boston` (module `dataset_utils`). What do they do?
    Return `{"mnist": {...}, "boston": {...}}` where each entry gives the shapes (tuples) of
    `x_train`, `y_train`, `x_test`, `y_test` as returned by `dataset_utils`, and `"task"`:
    `"classification"` or `"regression"`.
    """
    raise NotImplementedError


def build_linear_classifier(input_dim: int, n_classes: int) -> keras.Model:
    """Q2 — Premier modèle, sans couche cachée / First model, no hidden layer.

    FR : Renvoyez un modèle compilé sans couche cachée : une seule couche Dense de sortie avec
    une fonction d'activation adaptée à la classification multi-classes, une fonction de perte
    adaptée à des étiquettes one-hot, et la métrique `"accuracy"`. Il doit apprendre MNIST
    (nettement mieux que le hasard après un court apprentissage, ~10 epochs au plus).

    EN: Return a compiled model with no hidden layer: a single Dense output layer with an
    activation suited to multi-class classification, a loss suited to one-hot labels, and the
    `"accuracy"` metric. It must learn MNIST (well above chance after a short fit, ~10 epochs
    at most).
    """
    raise NotImplementedError


def build_mlp(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """Q3 — Perceptron multi-couches / Multi-layer perceptron.

    FR : Renvoyez un modèle compilé avec `n_hidden` (de 0 à 3) couches cachées Dense de 128
    neurones avec activation ReLU (`"relu"`), puis la couche de sortie comme en q2. Comparez
    les performances pour 0, 1, 2 et 3 couches cachées.

    EN: Return a compiled model with `n_hidden` (0 to 3) hidden Dense layers of 128 units with
    ReLU activation (`"relu"`), then the output layer as in q2. Compare the performance with
    0, 1, 2 and 3 hidden layers.
    """
    raise NotImplementedError


def build_wide_mlp(input_dim: int, n_classes: int) -> keras.Model:
    """Q4 — Une seule couche cachée, autant de paramètres / One wide hidden layer, same size.

    FR : Renvoyez un modèle compilé avec exactement une couche cachée, dont le nombre de
    paramètres (`count_params()`) est à moins de 5 % de celui de `build_mlp(input_dim,
    n_classes, 3)` (134 794 pour 784 entrées et 10 classes). Lequel des deux semble le plus
    performant ?

    EN: Return a compiled model with exactly one hidden layer whose parameter count
    (`count_params()`) is within 5 % of that of `build_mlp(input_dim, n_classes, 3)` (134,794
    for 784 inputs and 10 classes). Which of the two seems to perform better?
    """
    raise NotImplementedError


def fit_with_validation(
    model: keras.Model, x: np.ndarray, y: np.ndarray, epochs: int, batch_size: int
) -> keras.callbacks.History:
    """Q5 — Apprentissage avec jeu de validation / Fit with a validation set.

    FR : Entraînez le modèle compilé `model` sur `x`, `y` pendant `epochs` epochs avec des
    batchs de `batch_size`, en réservant 30 % du jeu d'apprentissage à la validation (argument
    `validation_split` de keras), et renvoyez l'objet History. Comment keras choisit-il les
    exemples de validation ?

    EN: Fit the compiled `model` on `x`, `y` for `epochs` epochs with batches of `batch_size`,
    holding out 30 % of the training data for validation (keras's `validation_split`), and
    return the History. How does keras choose the validation examples?
    """
    raise NotImplementedError


def build_mlp_l1(input_dim: int, n_classes: int, n_hidden: int, l1: float) -> keras.Model:
    """Q6 — Régularisation L1 / L1 regularisation.

    FR : Comme q3, avec une pénalité L1 de coefficient `l1` sur les poids de chaque couche
    Dense (couche de sortie comprise), sans terme L2.

    EN: As q3, with an L1 penalty of coefficient `l1` on the weights of every Dense layer
    (output layer included), and no L2 term.
    """
    raise NotImplementedError


def build_mlp_dropout(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:
    """Q7 — Drop-Out.

    FR : Comme q3, mais régularisé par Drop-Out : à chaque étape, 10 % des neurones sont
    éteints (taux 0.1), après chaque couche cachée (un Drop-Out sur l'entrée est aussi permis ;
    aucun autre taux ; rien après la couche de sortie).

    EN: As q3, but regularised by dropout that switches off 10 % of the units at each step
    (rate 0.1), after every hidden layer (dropout on the input is allowed too; no other rate;
    none after the output layer).
    """
    raise NotImplementedError


def build_sklearn_classifier(
    input_dim: int, n_classes: int, epochs: int, batch_size: int
) -> BaseEstimator:
    """Q8 — Modèle keras dans sklearn / A keras model as a scikit-learn classifier.

    FR : Renvoyez un classifieur scikit-learn qui enveloppe un réseau keras à deux couches
    cachées, le nombre d'epochs et la taille des batchs étant fixés à la construction.
    `fit(X, y)`, `predict(X)` et `score(X, y)` doivent marcher comme dans scikit-learn, avec
    des étiquettes entières de forme (n,), et `sklearn.base.clone` doit marcher aussi.
    Keras 3 : `keras.wrappers.scikit_learn` n'existe plus ; utilisez
    `keras.wrappers.SKLearnClassifier` ou `scikeras.wrappers.KerasClassifier`.
    Attention : `clone` ne conserve pas le `fit_kwargs` de `SKLearnClassifier`.

    EN: Return a scikit-learn classifier wrapping a keras network with two hidden layers, with
    the number of epochs and the batch size fixed at construction. `fit(X, y)`, `predict(X)`
    and `score(X, y)` must work as in scikit-learn, with integer labels of shape (n,), and
    `sklearn.base.clone` must work too. Keras 3: `keras.wrappers.scikit_learn` is gone; use
    `keras.wrappers.SKLearnClassifier` or `scikeras.wrappers.KerasClassifier`.
    Beware: `clone` drops the `fit_kwargs` of `SKLearnClassifier`.
    """
    raise NotImplementedError


def select_optimizer(
    x: np.ndarray, y: np.ndarray, epochs: int, cv: int
) -> GridSearchCV | RandomizedSearchCV:
    """Q9 — Choisir l'optimiseur par validation croisée / Choose the optimizer by cross-validation.

    FR : Renvoyez une recherche scikit-learn (`GridSearchCV` ou `RandomizedSearchCV`), déjà
    ajustée sur `x`, `y` (étiquettes entières de forme (n,)), qui compare par validation
    croisée à `cv` plis le même réseau avec les optimiseurs `"rmsprop"` et `"sgd"`, chaque
    apprentissage durant `epochs` epochs.

    EN: Return a scikit-learn search (`GridSearchCV` or `RandomizedSearchCV`), already fitted
    on `x`, `y` (integer labels of shape (n,)), that cross-validates with `cv` folds the same
    network under the optimizers `"rmsprop"` and `"sgd"`, each fit lasting `epochs` epochs.
    """
    raise NotImplementedError


def plot_accuracy(history: keras.callbacks.History) -> Figure:
    """Q10 — Courbes d'apprentissage / Learning curves.

    FR : Renvoyez une figure matplotlib avec les courbes, epoch par epoch, du taux de bonnes
    classifications sur les jeux d'entraînement et de validation de `history` (valeurs
    `history.history["accuracy"]` et `history.history["val_accuracy"]`), avec une légende.

    EN: Return one matplotlib figure with the per-epoch training and validation accuracy
    curves of `history` (values `history.history["accuracy"]` and
    `history.history["val_accuracy"]`), with a legend.
    """
    raise NotImplementedError


def make_tensorboard_callback(log_dir: str) -> keras.callbacks.Callback:
    """Q11 — TensorBoard.

    FR : Renvoyez un callback qui, passé à `fit`, écrit dans `log_dir` des journaux
    TensorBoard avec la perte (`loss`) et le taux de bonnes classifications (`accuracy`) à
    chaque epoch, en apprentissage et en validation. Visualisez-les avec
    `tensorboard --logdir <log_dir>` (paquet `tensorboard` requis).

    EN: Return a callback that, passed to `fit`, writes TensorBoard logs under `log_dir` with
    the per-epoch loss and accuracy, for training and validation. View them with
    `tensorboard --logdir <log_dir>` (needs the `tensorboard` package).
    """
    raise NotImplementedError


def make_checkpoint_callback(filepath: str) -> keras.callbacks.Callback:
    """Q12 — Sauvegarde des modèles intermédiaires / Checkpoints.

    FR : Renvoyez un callback qui enregistre le modèle dans `filepath` (un chemin `.keras`) à
    la fin d'une epoch sur deux (epochs 2, 4, 6, …), et seulement si la perte de validation
    (`val_loss`) est plus faible que celle de tous les modèles enregistrés auparavant. Le
    `ModelCheckpoint` de keras 3 n'a pas d'argument `period` (et un `save_freq` entier compte
    des batchs) : écrivez une sous-classe ou un callback à vous. Dans `on_epoch_end`, keras
    numérote les epochs à partir de 0 (l'epoch 2 a `epoch == 1`).

    EN: Return a callback that saves the model to `filepath` (a `.keras` path) at the end of
    every second epoch (epochs 2, 4, 6, …), and only when the validation loss (`val_loss`) is
    lower than that of every model it saved before. Keras 3's `ModelCheckpoint` has no
    `period` argument (and an integer `save_freq` counts batches): write a subclass or your own
    callback. In `on_epoch_end`, keras counts epochs from 0 (epoch 2 has `epoch == 1`).
    """
    raise NotImplementedError


def make_early_stopping_callback() -> keras.callbacks.Callback:
    """Q13 — Arrêt précoce / Early stopping.

    FR : Renvoyez un callback qui arrête l'apprentissage dès que la perte de validation
    (`val_loss`) n'a pas diminué depuis 5 epochs consécutives (callback `EarlyStopping`).

    EN: Return a callback that stops training once the validation loss (`val_loss`) has not
    decreased for 5 consecutive epochs (`EarlyStopping` callback).
    """
    raise NotImplementedError


def select_boston_model(
    x: np.ndarray, y: np.ndarray, epochs: int, cv: int
) -> GridSearchCV | RandomizedSearchCV:
    """Q14 — Synthèse : choisir un modèle pour Boston Housing / Model selection on Boston housing.

    FR : Renvoyez une recherche scikit-learn, déjà ajustée sur `x`, `y` (tels que renvoyés
    par `prepare_boston` : y de forme (n, 1)), sur un régresseur keras
    (`keras.wrappers.SKLearnRegressor` ou `scikeras.wrappers.KerasRegressor`), qui compare par
    validation croisée à `cv` plis au moins deux profondeurs (nombres de couches cachées), deux
    largeurs (neurones par couche) et deux optimiseurs, avec un score de régression (par
    exemple `"neg_mean_squared_error"`), chaque apprentissage durant `epochs` epochs.

    EN: Return a scikit-learn search, already fitted on `x`, `y` (as returned by
    `prepare_boston`: y of shape (n, 1)), over a keras regressor
    (`keras.wrappers.SKLearnRegressor` or `scikeras.wrappers.KerasRegressor`), that
    cross-validates with `cv` folds at least two depths (numbers of hidden layers), two widths
    (units per layer) and two optimizers, scored for regression (e.g.
    `"neg_mean_squared_error"`), each fit lasting `epochs` epochs.
    """
    raise NotImplementedError
